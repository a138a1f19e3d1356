//! Directory API client core: auth, retries, paging — behind a transport trait.
