/// Something the audit could not read: a missing commit, tree or blob, or output git refused.
///
/// Problems are reported in the run and make the audit "incomplete" (exit code 3) without
/// stopping it.
package struct ReadProblem: Hashable, Sendable, Codable {
    package var commit: String?
    package var path: String?
    package var object: String?
    package var reason: String

    package init(commit: String? = nil, path: String? = nil, object: String? = nil, reason: String) {
        self.commit = commit
        self.path = path
        self.object = object
        self.reason = reason
    }
}
