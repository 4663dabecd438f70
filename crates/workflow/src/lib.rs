//! Workflows: warnings, yellow-card admonitions, red-card investigations, approvals, audit trail.
