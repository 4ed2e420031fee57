import CustodyCore

/// Where audit runs, commits, identities and findings are kept. Built by the foundation issue.
package protocol AuditStore: Sendable {}
