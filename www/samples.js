// Provider payloads for the "SCIM in, events out" mode, bundled with the page so that picking one
// makes no request. Bodies are the providers' published examples as kept in tests/fixtures/samples
// (sources in tests/fixtures/samples/SOURCES.md) and the resources in tests/fixtures/resources;
// where a provider publishes no example (Entra with its aadOptscim062020 flag, OneLogin and
// PingFederate updates, JumpCloud deletes), the body is written in the shape that provider sends.
// `current` is the resource before the request, for PUT, PATCH and DELETE.

/** [id, display name] of each provider, in menu order. */
export const PROVIDERS = [["okta", "Okta"], ["entra", "Microsoft Entra ID"], ["onelogin", "OneLogin"], ["jumpcloud", "JumpCloud"], ["pingfederate", "PingFederate"], ["google", "Google Workspace"], ["generic", "Generic SCIM (RFC 7644)"], ["reference", "Directory events"]];

export const SAMPLES = [
  {
    "id": "okta-create-user",
    "provider": "okta",
    "label": "POST /Users — create a user (with password and groups: [])",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Users",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "userName": "test.user@okta.local",
      "name": {
        "givenName": "Test",
        "familyName": "User"
      },
      "emails": [
        {
          "primary": true,
          "value": "test.user@okta.local",
          "type": "work"
        }
      ],
      "displayName": "Test User",
      "locale": "en-US",
      "externalId": "00ujl29u0le5T6Aj10h7",
      "groups": [],
      "password": "1mz050nq",
      "active": true
    }
  },
  {
    "id": "okta-update-user",
    "provider": "okta",
    "label": "PUT /Users/{id} — update a user (Okta updates with PUT)",
    "kind": "request",
    "method": "PUT",
    "path": "/scim/v2/Users/23a35c27-23d3-4c03-b4c5-6443c09e7173",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
      "userName": "test.userson@okta.local",
      "name": {
        "givenName": "Test",
        "familyName": "Userson"
      },
      "emails": [
        {
          "primary": true,
          "value": "test.userson@okta.local",
          "type": "work"
        }
      ],
      "displayName": "Test Userson",
      "locale": "en-US",
      "externalId": "00ujl29u0le5T6Aj10h7",
      "active": true,
      "groups": [],
      "title": "Staff Engineer"
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
      "userName": "test.user@okta.local",
      "name": {
        "givenName": "Test",
        "familyName": "User"
      },
      "emails": [
        {
          "primary": true,
          "value": "test.user@okta.local",
          "type": "work"
        }
      ],
      "displayName": "Test User",
      "locale": "en-US",
      "externalId": "00ujl29u0le5T6Aj10h7",
      "active": true,
      "groups": [],
      "meta": {
        "resourceType": "User"
      }
    }
  },
  {
    "id": "okta-deactivate-user",
    "provider": "okta",
    "label": "PATCH /Users/{id} — deactivate (path-less replace)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/23a35c27-23d3-4c03-b4c5-6443c09e7173",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "replace",
          "value": {
            "active": false
          }
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "id": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
      "userName": "test.user@okta.local",
      "name": {
        "givenName": "Test",
        "familyName": "User"
      },
      "emails": [
        {
          "primary": true,
          "value": "test.user@okta.local",
          "type": "work"
        }
      ],
      "displayName": "Test User",
      "locale": "en-US",
      "externalId": "00ujl29u0le5T6Aj10h7",
      "active": true,
      "groups": [],
      "meta": {
        "resourceType": "User"
      }
    }
  },
  {
    "id": "okta-create-group",
    "provider": "okta",
    "label": "POST /Groups — create a group",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Groups",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
      ],
      "displayName": "Test SCIMv2",
      "members": []
    }
  },
  {
    "id": "okta-group-membership",
    "provider": "okta",
    "label": "PATCH /Groups/{id} — remove one member, add another",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "remove",
          "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"
        },
        {
          "op": "add",
          "path": "members",
          "value": [
            {
              "value": "23a35c27-23d3-4c03-b4c5-6443c09e7173",
              "display": "test.user@okta.local"
            }
          ]
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
      ],
      "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
      "displayName": "Test SCIMv2",
      "members": [
        {
          "value": "89bb1940-b905-4575-9e7f-6f887cfb368e",
          "display": "test.user2@okta.local"
        },
        {
          "value": "b4fdcc2e-0c5f-4bd8-b6c7-2e1d2ea4c0f1",
          "display": "test.user3@okta.local"
        }
      ],
      "meta": {
        "resourceType": "Group"
      }
    }
  },
  {
    "id": "okta-rename-group",
    "provider": "okta",
    "label": "PATCH /Groups/{id} — rename (value carries the read-only id)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "replace",
          "value": {
            "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
            "displayName": "Test SCIMv2 renamed"
          }
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
      ],
      "id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b",
      "displayName": "Test SCIMv2",
      "members": [
        {
          "value": "89bb1940-b905-4575-9e7f-6f887cfb368e",
          "display": "test.user2@okta.local"
        },
        {
          "value": "b4fdcc2e-0c5f-4bd8-b6c7-2e1d2ea4c0f1",
          "display": "test.user3@okta.local"
        }
      ],
      "meta": {
        "resourceType": "Group"
      }
    }
  },
  {
    "id": "entra-create-user",
    "provider": "entra",
    "label": "POST /Users — create a user",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Users",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-disable-user",
    "provider": "entra",
    "label": "PATCH /Users/{id} — disable, default (\"Replace\", \"False\" as a string)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/48af03ac28ad4fb88478",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "Replace",
          "path": "active",
          "value": "False"
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User",
        "created": "2018-03-27T19:59:26.000Z",
        "lastModified": "2018-03-27T19:59:26.000Z"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-disable-user-flag",
    "provider": "entra",
    "label": "PATCH /Users/{id} — disable, with the aadOptscim062020 flag",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/48af03ac28ad4fb88478",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "replace",
          "path": "active",
          "value": false
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User",
        "created": "2018-03-27T19:59:26.000Z",
        "lastModified": "2018-03-27T19:59:26.000Z"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-replace-attributes",
    "provider": "entra",
    "label": "PATCH /Users/{id} — replace attributes, default (one op each, filter path)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/48af03ac28ad4fb88478",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "Replace",
          "path": "displayName",
          "value": "Pvlo"
        },
        {
          "op": "Replace",
          "path": "emails[type eq \"work\"].value",
          "value": "TestBcwqnm@test.microsoft.com"
        },
        {
          "op": "Replace",
          "path": "name.givenName",
          "value": "Gtfd"
        },
        {
          "op": "Replace",
          "path": "name.familyName",
          "value": "Pkqf"
        },
        {
          "op": "Replace",
          "path": "externalId",
          "value": "Eqpj"
        },
        {
          "op": "Replace",
          "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
          "value": "Eqpj"
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User",
        "created": "2018-03-27T19:59:26.000Z",
        "lastModified": "2018-03-27T19:59:26.000Z"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-replace-attributes-flag",
    "provider": "entra",
    "label": "PATCH /Users/{id} — replace attributes, with the flag (dotted and URN keys)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/48af03ac28ad4fb88478",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "replace",
          "value": {
            "displayName": "Pvlo",
            "name.givenName": "Gtfd",
            "name.familyName": "Pkqf",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Eqpj",
            "active": false
          }
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User",
        "created": "2018-03-27T19:59:26.000Z",
        "lastModified": "2018-03-27T19:59:26.000Z"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-delete-user",
    "provider": "entra",
    "label": "DELETE /Users/{id} — delete a user",
    "kind": "request",
    "method": "DELETE",
    "path": "/scim/v2/Users/48af03ac28ad4fb88478",
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "48af03ac28ad4fb88478",
      "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      "active": true,
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
        }
      ],
      "meta": {
        "resourceType": "User",
        "created": "2018-03-27T19:59:26.000Z",
        "lastModified": "2018-03-27T19:59:26.000Z"
      },
      "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
      },
      "roles": []
    }
  },
  {
    "id": "entra-create-group",
    "provider": "entra",
    "label": "POST /Groups — create a group (extra ADSCIM schema)",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Groups",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
      ],
      "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      "displayName": "displayName",
      "meta": {
        "resourceType": "Group"
      }
    }
  },
  {
    "id": "entra-add-members",
    "provider": "entra",
    "label": "PATCH /Groups/{id} — add a member (\"$ref\": null)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/a99962b9f99d4c4fac67",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "Add",
          "path": "members",
          "value": [
            {
              "$ref": null,
              "value": "f648f8d5ea4e4cd38e9c"
            }
          ]
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
      ],
      "id": "a99962b9f99d4c4fac67",
      "externalId": "60f1bb27-2e1e-402d-bcc4-ec999564a194",
      "displayName": "Group1DisplayName",
      "meta": {
        "resourceType": "Group",
        "created": "2018-03-27T22:02:32.000Z",
        "lastModified": "2018-03-27T22:02:32.000Z"
      },
      "members": [
        {
          "value": "u1091",
          "display": "User 1091"
        },
        {
          "value": "u2000",
          "display": "User 2000"
        }
      ]
    }
  },
  {
    "id": "entra-remove-member",
    "provider": "entra",
    "label": "PATCH /Groups/{id} — remove a member, default (value array, no filter)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/a99962b9f99d4c4fac67",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "Remove",
          "path": "members",
          "value": [
            {
              "value": "u1091"
            }
          ]
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
      ],
      "id": "a99962b9f99d4c4fac67",
      "externalId": "60f1bb27-2e1e-402d-bcc4-ec999564a194",
      "displayName": "Group1DisplayName",
      "meta": {
        "resourceType": "Group",
        "created": "2018-03-27T22:02:32.000Z",
        "lastModified": "2018-03-27T22:02:32.000Z"
      },
      "members": [
        {
          "value": "u1091",
          "display": "User 1091"
        },
        {
          "value": "u2000",
          "display": "User 2000"
        }
      ]
    }
  },
  {
    "id": "entra-remove-member-flag",
    "provider": "entra",
    "label": "PATCH /Groups/{id} — remove a member, with the flag (filter path)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/a99962b9f99d4c4fac67",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "remove",
          "path": "members[value eq \"u1091\"]"
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
      ],
      "id": "a99962b9f99d4c4fac67",
      "externalId": "60f1bb27-2e1e-402d-bcc4-ec999564a194",
      "displayName": "Group1DisplayName",
      "meta": {
        "resourceType": "Group",
        "created": "2018-03-27T22:02:32.000Z",
        "lastModified": "2018-03-27T22:02:32.000Z"
      },
      "members": [
        {
          "value": "u1091",
          "display": "User 1091"
        },
        {
          "value": "u2000",
          "display": "User 2000"
        }
      ]
    }
  },
  {
    "id": "onelogin-create-user",
    "provider": "onelogin",
    "label": "POST /Users — create a user (SCIM 1.x template)",
    "kind": "request",
    "method": "POST",
    "path": "/scim/Users",
    "body": {
      "schemas": [
        "urn:scim:schemas:core:1.0",
        "urn:scim:schemas:extension:enterprise:1.0"
      ],
      "userName": "ol.user@example.com",
      "externalId": "41234567",
      "name": {
        "givenName": "One",
        "familyName": "Login"
      },
      "emails": [
        {
          "value": "ol.user@example.com",
          "primary": true
        }
      ],
      "title": "Admin",
      "urn:scim:schemas:extension:enterprise:1.0": {
        "department": "IT",
        "manager": {
          "managerId": "x",
          "displayName": "Boss"
        }
      }
    }
  },
  {
    "id": "onelogin-update-user",
    "provider": "onelogin",
    "label": "PUT /Users/{id} — update a user",
    "kind": "request",
    "method": "PUT",
    "path": "/scim/Users/41234567",
    "body": {
      "schemas": [
        "urn:scim:schemas:core:1.0",
        "urn:scim:schemas:extension:enterprise:1.0"
      ],
      "userName": "ol.user@example.com",
      "externalId": "41234567",
      "name": {
        "givenName": "One",
        "familyName": "Login"
      },
      "emails": [
        {
          "value": "ol.user@example.com",
          "primary": true
        }
      ],
      "title": "Director of IT",
      "urn:scim:schemas:extension:enterprise:1.0": {
        "department": "Operations",
        "manager": {
          "managerId": "x",
          "displayName": "Boss"
        }
      },
      "id": "41234567"
    },
    "current": {
      "schemas": [
        "urn:scim:schemas:core:1.0",
        "urn:scim:schemas:extension:enterprise:1.0"
      ],
      "userName": "ol.user@example.com",
      "externalId": "41234567",
      "name": {
        "givenName": "One",
        "familyName": "Login"
      },
      "emails": [
        {
          "value": "ol.user@example.com",
          "primary": true
        }
      ],
      "title": "Admin",
      "urn:scim:schemas:extension:enterprise:1.0": {
        "department": "IT",
        "manager": {
          "managerId": "x",
          "displayName": "Boss"
        }
      },
      "id": "41234567"
    }
  },
  {
    "id": "jumpcloud-create-user",
    "provider": "jumpcloud",
    "label": "POST /Users — create a user (tel: phones, extension schema)",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Users",
    "body": {
      "active": true,
      "addresses": [
        {
          "country": "US",
          "locality": "locality",
          "postalCode": "80027",
          "primary": true,
          "region": "region",
          "streetAddress": "street-address",
          "type": "work"
        }
      ],
      "displayName": "displayname",
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "testuser@example.io"
        }
      ],
      "externalId": "66e2d689590450d073d2df3b",
      "locale": "en-US",
      "name": {
        "familyName": "lastname",
        "givenName": "firstname"
      },
      "phoneNumbers": [
        {
          "primary": true,
          "type": "work",
          "value": "tel:+1-555-555-5555"
        }
      ],
      "preferredLanguage": "en-US",
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "userName": "testuser@example.io"
    }
  },
  {
    "id": "jumpcloud-delete-user",
    "provider": "jumpcloud",
    "label": "DELETE /Users/{id} — delete a user",
    "kind": "request",
    "method": "DELETE",
    "path": "/scim/v2/Users/5f1a2b3c4d5e6f7a8b9c0d1e",
    "current": {
      "active": true,
      "addresses": [
        {
          "country": "US",
          "locality": "locality",
          "postalCode": "80027",
          "primary": true,
          "region": "region",
          "streetAddress": "street-address",
          "type": "work"
        }
      ],
      "displayName": "displayname",
      "emails": [
        {
          "primary": true,
          "type": "work",
          "value": "testuser@example.io"
        }
      ],
      "externalId": "66e2d689590450d073d2df3b",
      "locale": "en-US",
      "name": {
        "familyName": "lastname",
        "givenName": "firstname"
      },
      "phoneNumbers": [
        {
          "primary": true,
          "type": "work",
          "value": "tel:+1-555-555-5555"
        }
      ],
      "preferredLanguage": "en-US",
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "userName": "testuser@example.io",
      "id": "5f1a2b3c4d5e6f7a8b9c0d1e"
    }
  },
  {
    "id": "ping-create-user",
    "provider": "pingfederate",
    "label": "POST /Users — create a user (SCIM 1.1)",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v1/Users",
    "body": {
      "schemas": [
        "urn:scim:schemas:core:1.0"
      ],
      "userName": "jane.doe@example.com",
      "externalId": "pf-000123",
      "name": {
        "givenName": "Jane",
        "familyName": "Doe"
      },
      "displayName": "Jane Doe",
      "emails": [
        {
          "value": "jane.doe@example.com",
          "type": "work",
          "primary": true
        }
      ],
      "title": "Analyst",
      "active": true
    }
  },
  {
    "id": "ping-update-user",
    "provider": "pingfederate",
    "label": "PUT /Users/{id} — update and deactivate (Ping has no PATCH for users)",
    "kind": "request",
    "method": "PUT",
    "path": "/scim/v1/Users/7d2c1b0a-ping-4e5f-8a9b-000000000123",
    "body": {
      "schemas": [
        "urn:scim:schemas:core:1.0"
      ],
      "userName": "jane.doe@example.com",
      "externalId": "pf-000123",
      "name": {
        "givenName": "Jane",
        "familyName": "Doe"
      },
      "displayName": "Jane Doe",
      "emails": [
        {
          "value": "jane.doe@example.com",
          "type": "work",
          "primary": true
        }
      ],
      "title": "Senior Analyst",
      "active": false,
      "id": "7d2c1b0a-ping-4e5f-8a9b-000000000123"
    },
    "current": {
      "schemas": [
        "urn:scim:schemas:core:1.0"
      ],
      "userName": "jane.doe@example.com",
      "externalId": "pf-000123",
      "name": {
        "givenName": "Jane",
        "familyName": "Doe"
      },
      "displayName": "Jane Doe",
      "emails": [
        {
          "value": "jane.doe@example.com",
          "type": "work",
          "primary": true
        }
      ],
      "title": "Analyst",
      "active": true,
      "id": "7d2c1b0a-ping-4e5f-8a9b-000000000123"
    }
  },
  {
    "id": "google-user",
    "provider": "google",
    "label": "Directory API user (users.list item)",
    "kind": "user",
    "body": {
      "kind": "admin#directory#user",
      "id": "103582123456789012345",
      "etag": "\"aBcDeFgHiJkLmNoP/qRsTuVwXyZ\"",
      "primaryEmail": "liz@example.com",
      "name": {
        "givenName": "Elizabeth",
        "familyName": "Smith",
        "fullName": "Elizabeth Smith"
      },
      "isAdmin": false,
      "isDelegatedAdmin": false,
      "lastLoginTime": "2024-03-01T10:00:00.000Z",
      "creationTime": "2020-06-15T08:30:00.000Z",
      "agreedToTerms": true,
      "suspended": false,
      "archived": false,
      "changePasswordAtNextLogin": false,
      "ipWhitelisted": false,
      "emails": [
        {
          "address": "liz@example.com",
          "primary": true
        },
        {
          "address": "liz.smith@example.com"
        },
        {
          "address": "liz@example-test.com"
        }
      ],
      "externalIds": [
        {
          "value": "E-1234",
          "type": "organization"
        },
        {
          "value": "hr-99",
          "type": "custom",
          "customType": "workday"
        }
      ],
      "relations": [
        {
          "value": "boss@example.com",
          "type": "manager"
        }
      ],
      "organizations": [
        {
          "name": "Example Inc",
          "title": "Staff Engineer",
          "primary": true,
          "department": "Engineering",
          "costCenter": "CC-42",
          "description": "Platform"
        }
      ],
      "phones": [
        {
          "value": "+1 555 0100",
          "type": "mobile"
        },
        {
          "value": "+1 555 0199",
          "type": "work",
          "primary": true
        }
      ],
      "addresses": [
        {
          "type": "work",
          "streetAddress": "1600 Amphitheatre Pkwy",
          "locality": "Mountain View",
          "region": "CA",
          "postalCode": "94043",
          "countryCode": "US",
          "primary": true
        }
      ],
      "languages": [
        {
          "languageCode": "en-GB",
          "preference": "preferred"
        }
      ],
      "aliases": [
        "elizabeth@example.com"
      ],
      "customerId": "C03az79cb",
      "orgUnitPath": "/Engineering",
      "isMailboxSetup": true,
      "includeInGlobalAddressList": true,
      "thumbnailPhotoUrl": "https://lh3.googleusercontent.com/a/photo",
      "thumbnailPhotoEtag": "\"photoetag\"",
      "customSchemas": {
        "EmployeeData": {
          "badge": "B-77",
          "startDate": "2020-06-15"
        }
      }
    }
  },
  {
    "id": "google-group",
    "provider": "google",
    "label": "Directory API group (groups.list item)",
    "kind": "group",
    "body": {
      "kind": "admin#directory#group",
      "id": "03ep43zb1t0ouf2",
      "etag": "\"aBcDeF/ghIjK\"",
      "email": "engineering@example.com",
      "name": "Engineering",
      "directMembersCount": "12",
      "description": "Everyone who builds things",
      "adminCreated": true,
      "aliases": [
        "eng@example.com"
      ],
      "nonEditableAliases": [
        "engineering@example.com.test-google-a.com"
      ]
    }
  },
  {
    "id": "rfc-create-user",
    "provider": "generic",
    "label": "POST /Users — create a user (RFC 7644 §3.3)",
    "kind": "request",
    "method": "POST",
    "path": "/scim/v2/Users",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "userName": "bjensen",
      "externalId": "bjensen",
      "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara"
      }
    }
  },
  {
    "id": "rfc-replace-user",
    "provider": "generic",
    "label": "PUT /Users/{id} — replace a user (RFC 7644 §3.5.1)",
    "kind": "request",
    "method": "PUT",
    "path": "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User"
      ],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "userName": "bjensen",
      "externalId": "bjensen",
      "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara",
        "middleName": "Jane"
      },
      "roles": [],
      "emails": [
        {
          "value": "bjensen@example.com"
        },
        {
          "value": "babs@jensen.org"
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "externalId": "bjensen",
      "meta": {
        "resourceType": "User",
        "created": "2010-01-23T04:56:22Z",
        "lastModified": "2011-05-13T04:42:34Z",
        "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
        "version": "W/\"3694e05e9dff591\""
      },
      "userName": "bjensen@example.com",
      "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara"
      },
      "displayName": "Babs Jensen",
      "title": "Tour Guide",
      "active": true,
      "emails": [
        {
          "value": "bjensen@example.com",
          "type": "work",
          "primary": true
        },
        {
          "value": "babs@jensen.org",
          "type": "home"
        }
      ],
      "addresses": [
        {
          "type": "work",
          "streetAddress": "100 Universal City Plaza",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA",
          "primary": true
        },
        {
          "type": "home",
          "streetAddress": "456 Hollywood Blvd",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA"
        }
      ],
      "phoneNumbers": [
        {
          "value": "555-555-5555",
          "type": "work"
        },
        {
          "value": "555-555-4444",
          "type": "mobile"
        }
      ],
      "groups": [
        {
          "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
          "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
          "display": "Tour Guides"
        }
      ],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984",
        "costCenter": "4130",
        "organization": "Universal Studios",
        "division": "Theme Park",
        "department": "Tour Operations",
        "manager": {
          "value": "26118915-6090-4610-87e4-49d8ca9f808d",
          "displayName": "John Smith"
        }
      }
    }
  },
  {
    "id": "rfc-patch-user",
    "provider": "generic",
    "label": "PATCH /Users/{id} — replace emails, add a nickname (RFC 7644 §3.5.2.3)",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "replace",
          "value": {
            "emails": [
              {
                "value": "bjensen@example.com",
                "type": "work",
                "primary": true
              },
              {
                "value": "babs@jensen.org",
                "type": "home"
              }
            ],
            "nickname": "Babs"
          }
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      "id": "2819c223-7f76-453a-919d-413861904646",
      "externalId": "bjensen",
      "meta": {
        "resourceType": "User",
        "created": "2010-01-23T04:56:22Z",
        "lastModified": "2011-05-13T04:42:34Z",
        "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
        "version": "W/\"3694e05e9dff591\""
      },
      "userName": "bjensen@example.com",
      "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara"
      },
      "displayName": "Babs Jensen",
      "title": "Tour Guide",
      "active": true,
      "emails": [
        {
          "value": "bjensen@example.com",
          "type": "work",
          "primary": true
        },
        {
          "value": "babs@jensen.org",
          "type": "home"
        }
      ],
      "addresses": [
        {
          "type": "work",
          "streetAddress": "100 Universal City Plaza",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA",
          "primary": true
        },
        {
          "type": "home",
          "streetAddress": "456 Hollywood Blvd",
          "locality": "Hollywood",
          "region": "CA",
          "postalCode": "91608",
          "country": "USA"
        }
      ],
      "phoneNumbers": [
        {
          "value": "555-555-5555",
          "type": "work"
        },
        {
          "value": "555-555-4444",
          "type": "mobile"
        }
      ],
      "groups": [
        {
          "value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
          "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
          "display": "Tour Guides"
        }
      ],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        "employeeNumber": "701984",
        "costCenter": "4130",
        "organization": "Universal Studios",
        "division": "Theme Park",
        "department": "Tour Operations",
        "manager": {
          "value": "26118915-6090-4610-87e4-49d8ca9f808d",
          "displayName": "John Smith"
        }
      }
    }
  },
  {
    "id": "rfc-remove-member",
    "provider": "generic",
    "label": "PATCH /Groups/{id} — remove a member by filter",
    "kind": "request",
    "method": "PATCH",
    "path": "/scim/v2/Groups/acbf3ae7-8463-4692-b4fd-9b4da3f908ce",
    "body": {
      "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
      ],
      "Operations": [
        {
          "op": "remove",
          "path": "members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"
        }
      ]
    },
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
      ],
      "id": "acbf3ae7-8463-4692-b4fd-9b4da3f908ce",
      "displayName": "Tour Guides",
      "meta": {
        "resourceType": "Group",
        "lastModified": "2011-05-13T04:42:34Z"
      },
      "members": [
        {
          "value": "2819c223-7f76-453a-919d-413861904646",
          "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
          "display": "Babs Jensen"
        },
        {
          "value": "902c246b-6245-4190-8e05-00816be7344a",
          "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
          "display": "Mandy Pepperidge"
        }
      ]
    }
  },
  {
    "id": "rfc-delete-group",
    "provider": "generic",
    "label": "DELETE /Groups/{id} — delete a group",
    "kind": "request",
    "method": "DELETE",
    "path": "/scim/v2/Groups/acbf3ae7-8463-4692-b4fd-9b4da3f908ce",
    "current": {
      "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
      ],
      "id": "acbf3ae7-8463-4692-b4fd-9b4da3f908ce",
      "displayName": "Tour Guides",
      "meta": {
        "resourceType": "Group",
        "lastModified": "2011-05-13T04:42:34Z"
      },
      "members": [
        {
          "value": "2819c223-7f76-453a-919d-413861904646",
          "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
          "display": "Babs Jensen"
        },
        {
          "value": "902c246b-6245-4190-8e05-00816be7344a",
          "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
          "display": "Mandy Pepperidge"
        }
      ]
    }
  },
  {
    "id": "event-full",
    "provider": "reference",
    "label": "Directory event — full envelope",
    "kind": "event",
    "body": {
      "spec_version": "1",
      "id": "evt_53891546960200400",
      "type": "organization.directory.user_created",
      "occurred_at": "2024-08-21T10:20:17.072899123Z",
      "environment_id": "env_27758032200925221",
      "organization_id": "org_59615193906282635",
      "object": "DirectoryUser",
      "display_name": "",
      "data": {
        "id": "diruser_43267891234567890",
        "organization_id": "org_59615193906282635",
        "dp_id": "00ujl29u0le5T6Aj10h7",
        "preferred_username": "test.user@okta.local",
        "email": "test.user@okta.local",
        "active": true,
        "name": "Test User",
        "given_name": "Test",
        "family_name": "User",
        "locale": "en-US",
        "groups": null,
        "roles": [
          {
            "role_name": "member"
          }
        ],
        "custom_attributes": {
          "favorite_color": "teal"
        },
        "raw_attributes": {
          "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User"
          ],
          "userName": "test.user@okta.local",
          "password": "1mz050nq",
          "name": {
            "givenName": "Test",
            "familyName": "User"
          },
          "displayName": "Test User",
          "externalId": "00ujl29u0le5T6Aj10h7",
          "active": true
        }
      }
    }
  },
  {
    "id": "event-simple",
    "provider": "reference",
    "label": "Directory event — the guide's simple shape",
    "kind": "event",
    "body": {
      "id": "evt_1234567890",
      "type": "organization.directory.user_created",
      "data": {
        "email": "john.doe@acme.com",
        "name": "John Doe",
        "organization_id": "org_12345",
        "directory_id": "dir_12345"
      },
      "timestamp": 1724235617
    }
  }
];
