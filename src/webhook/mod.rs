//! Webhook signatures (Standard Webhooks): verification and signing.
