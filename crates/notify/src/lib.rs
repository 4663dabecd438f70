//! Notices to handlers: SMS gateway adapter, quiet hours, escalation.
