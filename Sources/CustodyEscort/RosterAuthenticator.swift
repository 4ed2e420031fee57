import CustodyCore
import NIOCore
import NIOSSH
import Synchronization

/// The person verified on one SSH connection.
package final class ConnectionIdentity: Sendable {
    private let verified = Mutex<(person: Person?, refusal: String?)>((nil, nil))
    package let remote: String

    init(remote: String) { self.remote = remote }

    package var person: Person? { verified.withLock { $0.person } }
    /// Why this verified person may not open a session (outside their roster active period), or
    /// nil. Their key was right, so they are told why instead of a bare "permission denied".
    package var refusal: String? { verified.withLock { $0.refusal } }
    func set(_ person: Person, refusal: String?) { verified.withLock { $0 = (person, refusal) } }
}

/// Public-key authentication against the roster: the SSH user name is the roster id and the key
/// must be one of that person's `keys`. NIOSSH checks the signature before this delegate sees the
/// request; unsigned probes are answered by NIOSSH itself.
///
/// A person whose key matches but who is outside their roster active period is let through
/// authentication with a ``ConnectionIdentity/refusal``: the session channel then shows them
/// that one sentence and closes, and no other channel type is ever accepted.
final class RosterAuthenticator: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let keysByPerson: [String: [NIOSSHPublicKey]]
    let roster: Roster
    let identity: ConnectionIdentity

    init(roster: Roster, keysByPerson: [String: [NIOSSHPublicKey]], identity: ConnectionIdentity) {
        self.roster = roster
        self.keysByPerson = keysByPerson
        self.identity = identity
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .publicKey }

    func requestReceived(
        request: NIOSSHUserAuthenticationRequest,
        responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>
    ) {
        guard case .publicKey(let offer) = request.request,
            let person = roster.person(id: request.username),
            keysByPerson[person.id, default: []].contains(offer.publicKey)
        else {
            responsePromise.succeed(.failure)
            return
        }
        identity.set(person, refusal: RosterActivity.refusal(for: person))
        responsePromise.succeed(.success)
    }

    /// Parses every roster key NIOSSH understands; keys it cannot read are skipped.
    static func parseKeys(_ roster: Roster) -> [String: [NIOSSHPublicKey]] {
        var result: [String: [NIOSSHPublicKey]] = [:]
        for person in roster.people {
            result[person.id] = person.keys.compactMap { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 2 else { return nil }
                return try? NIOSSHPublicKey(openSSHPublicKey: "\(fields[0]) \(fields[1])")
            }
        }
        return result
    }
}
