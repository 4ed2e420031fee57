import Foundation
import Yams

/// Reads `policy.yaml` into a ``Policy``.
///
/// Every error names the file, the line and the rule: `policy.yaml:12: rule 'escorted-review':
/// unknown key 'reviewers'`. Unknown keys are errors (a typo must not silently weaken a rule).
///
/// ```yaml
/// settings: { maxDateSkew: 7d }
/// rules:
///   - id: restricted-authors
///     who: { citizenship: { anyOf: [CN, RU] } }
///     forbid: author
///     paths: ["src/**"]
///     since: 2025-08-27
///     severity: critical
/// ```
package enum PolicyLoader {
    /// The largest policy file accepted.
    package static let sizeLimit = 4 << 20

    /// Loads a policy file.
    ///
    /// - Throws: ``CustodyError`` with code `.configuration` and a `file:line` location.
    package static func load(path: String) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CustodyError(.configuration, "cannot read the policy file", location: path)
        }
        guard data.count <= sizeLimit else {
            throw CustodyError(.configuration, "the policy file is larger than \(sizeLimit) bytes", location: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CustodyError(.configuration, "the policy file is not valid UTF-8", location: path)
        }
        return try parse(text, file: path)
    }

    /// Parses policy text; `file` names it in errors.
    package static func parse(_ text: String, file: String = "policy.yaml") throws -> Policy {
        var context = Context(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw context.yamlError(error)
        } catch {
            throw CustodyError(.configuration, "the policy is not valid YAML", location: file)
        }
        guard let root, case .mapping(let top) = root else {
            throw CustodyError(.configuration, "the policy must be a mapping with a 'rules' list", location: "\(file):1")
        }
        var skew: Int64 = 7 * 86_400
        var rules: [PolicyRule] = []
        var seen: Set<String> = []
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "settings":
                guard case .mapping(let settings) = value else { throw context.error(value, "'settings' must be a mapping") }
                for (k, v) in settings {
                    switch k.string ?? "" {
                    case "maxDateSkew":
                        guard let s = v.string, let seconds = PolicyDate.parseDuration(s) else {
                            throw context.error(v, "'maxDateSkew' must be a duration such as 7d or 48h")
                        }
                        skew = seconds
                    default:
                        throw context.error(k, "unknown setting '\(k.string ?? "")'")
                    }
                }
            case "rules":
                guard case .sequence(let list) = value else { throw context.error(value, "'rules' must be a list") }
                for item in list {
                    let rule = try parseRule(item, context: &context)
                    if seen.contains(rule.id) {
                        context.rule = rule.id
                        throw context.error(item, "rule id '\(rule.id)' is used twice")
                    }
                    seen.insert(rule.id)
                    rules.append(rule)
                }
            default:
                throw context.error(keyNode, "unknown top-level key '\(key)' (expected 'rules' or 'settings')")
            }
        }
        return Policy(rules: rules, maxDateSkewSeconds: skew, source: file)
    }

    struct Context {
        var file: String
        var rule: String?

        func location(_ node: Node) -> String {
            "\(file):\(node.mark?.line ?? 1)"
        }

        func error(_ node: Node, _ message: String) -> CustodyError {
            let prefix = rule.map { "rule '\($0)': " } ?? ""
            return CustodyError(.configuration, prefix + message, location: location(node))
        }

        func yamlError(_ error: YamlError) -> CustodyError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return CustodyError(.configuration, "invalid YAML: \(problem)", location: "\(file):\(mark.line)")
            default:
                return CustodyError(.configuration, "invalid YAML", location: file)
            }
        }
    }

    static func parseRule(_ node: Node, context: inout Context) throws -> PolicyRule {
        context.rule = nil
        guard case .mapping(let map) = node else { throw context.error(node, "each rule must be a mapping") }
        guard let idNode = map["id"], let id = idNode.string, !id.isEmpty else {
            throw context.error(node, "a rule has no 'id'")
        }
        context.rule = id
        var rule = PolicyRule(id: id, action: .report, location: context.location(node))
        var forbid: Node?
        var require: Node?
        var reviewer: PolicyPredicate?
        var reviewerNode: Node?
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            switch key {
            case "id": break
            case "description": rule.description = value.string
            case "who": rule.who = try parsePredicate(value, context: context)
            case "forbid": forbid = value
            case "require": require = value
            case "reviewer":
                reviewer = try parsePredicate(value, context: context)
                reviewerNode = value
            case "paths":
                let list = try strings(value, name: "paths", context: context)
                rule.paths = list.map(PathGlob.init)
            case "since", "until":
                guard let text = value.string, let epoch = PolicyDate.parse(text) else {
                    throw context.error(value, "'\(key)' must be a date such as 2025-08-27 or 2025-08-27T12:00:00Z")
                }
                if key == "since" {
                    rule.since = epoch
                } else {
                    rule.until = text.count == 10 ? epoch + 86_400 : epoch
                }
            case "maxDateSkew":
                guard let s = value.string, let seconds = PolicyDate.parseDuration(s) else {
                    throw context.error(value, "'maxDateSkew' must be a duration such as 7d or 48h")
                }
                rule.maxDateSkewSeconds = seconds
            case "severity":
                guard let s = value.string, let severity = Severity(rawValue: s.lowercased()) else {
                    throw context.error(value, "'severity' must be one of critical, high, medium, low, info")
                }
                rule.severity = severity
            default:
                throw context.error(keyNode, "unknown key '\(key)'")
            }
        }
        if let forbid, require != nil {
            throw context.error(forbid, "a rule may have 'forbid' or 'require', not both")
        }
        if let forbid {
            switch forbid.string {
            case "author": rule.action = .forbidAuthor
            case "commit": rule.action = .forbidCommit
            default: throw context.error(forbid, "'forbid' must be 'author' or 'commit'")
            }
        } else if let require {
            switch require.string {
            case "review":
                guard let reviewer else { throw context.error(require, "'require: review' needs a 'reviewer' predicate") }
                rule.action = .requireReview(reviewer: reviewer)
            case "signature": rule.action = .requireSignature
            default: throw context.error(require, "'require' must be 'review' or 'signature'")
            }
        }
        var isReview = false
        if case .requireReview = rule.action { isReview = true }
        if let reviewerNode, !isReview {
            throw context.error(reviewerNode, "'reviewer' is only meaningful with 'require: review'")
        }
        if let since = rule.since, let until = rule.until, until <= since {
            throw context.error(node, "'until' is not after 'since'")
        }
        return rule
    }

    static func strings(_ node: Node, name: String, context: Context) throws -> [String] {
        switch node {
        case .scalar(let scalar): return [scalar.string]
        case .sequence(let list):
            return try list.map { item in
                guard let s = item.string else { throw context.error(item, "'\(name)' must be a list of strings") }
                return s
            }
        default: throw context.error(node, "'\(name)' must be a string or a list of strings")
        }
    }

    /// Parses a predicate: a scalar (`unknown`, `everyone`) or a mapping whose keys are all
    /// required (an implicit `all`).
    static func parsePredicate(_ node: Node, context: Context, depth: Int = 0) throws -> PolicyPredicate {
        guard depth < 32 else { throw context.error(node, "the predicate is nested too deeply") }
        switch node {
        case .scalar(let scalar):
            switch scalar.string {
            case "unknown": return .unknown
            case "everyone", "anyone", "all", "*": return .everyone
            default: throw context.error(node, "unknown predicate '\(scalar.string)' (expected a mapping, 'unknown' or 'everyone')")
            }
        case .mapping(let map):
            var parts: [PolicyPredicate] = []
            for (keyNode, value) in map {
                parts.append(try parseTest(keyNode, value, context: context, depth: depth))
            }
            if parts.count == 1 { return parts[0] }
            return .all(parts)
        default:
            throw context.error(node, "a predicate must be a mapping")
        }
    }

    static func parseTest(_ keyNode: Node, _ value: Node, context: Context, depth: Int) throws -> PolicyPredicate {
        let key = keyNode.string ?? ""
        switch key {
        case "all", "any":
            guard case .sequence(let list) = value else { throw context.error(value, "'\(key)' must be a list of predicates") }
            let parts = try list.map { try parsePredicate($0, context: context, depth: depth + 1) }
            return key == "all" ? .all(parts) : .any(parts)
        case "not":
            return .not(try parsePredicate(value, context: context, depth: depth + 1))
        case "unknown":
            guard let flag = value.bool else { throw context.error(value, "'unknown' must be true or false") }
            return flag ? .unknown : .not(.unknown)
        case "usPerson":
            guard let flag = value.bool else { throw context.error(value, "'usPerson' must be true or false") }
            return .usPerson(flag)
        case "clearance":
            var levelNode = value
            if case .mapping(let map) = value {
                guard map.count == 1, let only = map.first, only.key.string == "atLeast" else {
                    throw context.error(value, "'clearance' takes { atLeast: LEVEL }")
                }
                levelNode = only.value
            }
            guard let s = levelNode.string, let level = Clearance(rawValue: s.lowercased()) else {
                throw context.error(levelNode, "clearance must be one of none, confidential, secret, top-secret")
            }
            return .clearanceAtLeast(level)
        case "citizenship", "employer", "location":
            let (anyOf, noneOf) = try setTest(value, name: key, context: context)
            var parts: [PolicyPredicate] = []
            if let anyOf {
                switch key {
                case "citizenship": parts.append(.citizenshipAnyOf(anyOf.map { $0.uppercased() }))
                case "employer": parts.append(.employerAnyOf(anyOf))
                default: parts.append(.locationAnyOf(anyOf))
                }
            }
            if let noneOf {
                switch key {
                case "citizenship": parts.append(.citizenshipNoneOf(noneOf.map { $0.uppercased() }))
                case "employer": parts.append(.all([.not(.unknown), .not(.employerAnyOf(noneOf))]))
                default: parts.append(.all([.not(.unknown), .not(.locationAnyOf(noneOf))]))
                }
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        case "roles":
            if case .mapping(let map) = value {
                guard map.count == 1, let only = map.first, only.key.string == "has" else {
                    throw context.error(value, "'roles' takes { has: ROLE } or { has: [ROLE, …] }")
                }
                return .rolesHas(try strings(only.value, name: "has", context: context))
            }
            return .rolesHas(try strings(value, name: "roles", context: context))
        default:
            throw context.error(keyNode, "unknown predicate key '\(key)'")
        }
    }

    static func setTest(_ value: Node, name: String, context: Context) throws -> ([String]?, [String]?) {
        if case .mapping(let map) = value {
            var anyOf: [String]?
            var noneOf: [String]?
            for (k, v) in map {
                switch k.string ?? "" {
                case "anyOf": anyOf = try strings(v, name: "anyOf", context: context)
                case "noneOf": noneOf = try strings(v, name: "noneOf", context: context)
                default: throw context.error(k, "'\(name)' takes anyOf or noneOf, not '\(k.string ?? "")'")
                }
            }
            if anyOf == nil, noneOf == nil { throw context.error(value, "'\(name)' needs anyOf or noneOf") }
            return (anyOf, noneOf)
        }
        return (try strings(value, name: name, context: context), nil)
    }
}
