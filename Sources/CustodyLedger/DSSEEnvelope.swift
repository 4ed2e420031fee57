#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A DSSE v1.0.2 envelope signed with Ed25519 keys in signed-note form.
///
/// The signature covers `PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body`.
/// `keyid` holds the signer's vkey name and ID (`name+hexid`); it is only a hint.
///
/// ```swift
/// let envelope = try DSSEEnvelope.sign(payloadType: DSSEEnvelope.inTotoPayloadType, payload: statement, signer: key)
/// try envelope.verify(with: key.verifier)
/// ```
package struct DSSEEnvelope: Sendable, Equatable {
    /// One signature.
    package struct Signature: Sendable, Equatable {
        package let keyid: String
        package let sig: [UInt8]
    }

    package static let inTotoPayloadType = "application/vnd.in-toto+json"

    package let payloadType: String
    package let payload: [UInt8]
    package let signatures: [Signature]

    package init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// The pre-authentication encoding.
    package static func pae(type: String, body: [UInt8]) -> [UInt8] {
        Array("DSSEv1 \(type.utf8.count) \(type) \(body.count) ".utf8) + body
    }

    /// Signs `payload` with one key.
    package static func sign(payloadType: String, payload: [UInt8], signer: NoteSigner) throws -> DSSEEnvelope {
        let sig = try signer.sign(pae(type: payloadType, body: payload))
        let keyid = "\(signer.name)+\(NoteVerifier.hexID(signer.verifier.keyID))"
        return DSSEEnvelope(payloadType: payloadType, payload: payload, signatures: [Signature(keyid: keyid, sig: sig)])
    }

    /// Succeeds when at least one signature verifies with `key`.
    ///
    /// - Throws: ``LedgerError`` (`badEnvelope`).
    package func verify(with key: NoteVerifier) throws {
        let message = DSSEEnvelope.pae(type: payloadType, body: payload)
        guard signatures.contains(where: { key.isValidSignature($0.sig, for: message) }) else {
            throw LedgerError(.badEnvelope, "no envelope signature verifies with \(key.name)")
        }
    }

    /// The envelope as JSON (`payload` and `sig` in standard base64).
    package var json: JSONValue {
        [
            "payload": .string(Data(payload).base64EncodedString()), "payloadType": .string(payloadType),
            "signatures": .array(
                signatures.map { ["keyid": .string($0.keyid), "sig": .string(Data($0.sig).base64EncodedString())] }),
        ]
    }

    /// Canonical JSON bytes of the envelope.
    package func encoded() throws -> [UInt8] { try json.encoded() }

    /// Reads an envelope from its JSON form (standard or URL-safe base64).
    ///
    /// - Throws: ``LedgerError`` (`badEnvelope`).
    package init(json: JSONValue) throws {
        guard let type = json["payloadType"]?.stringValue, let payloadText = json["payload"]?.stringValue,
            let payload = DSSEEnvelope.decodeBase64(payloadText), let list = json["signatures"]?.arrayValue, !list.isEmpty
        else { throw LedgerError(.badEnvelope, "envelope lacks payload, payloadType or signatures") }
        var signatures: [Signature] = []
        for item in list {
            guard let text = item["sig"]?.stringValue, let sig = DSSEEnvelope.decodeBase64(text) else {
                throw LedgerError(.badEnvelope, "envelope signature is not base64")
            }
            signatures.append(Signature(keyid: item["keyid"]?.stringValue ?? "", sig: sig))
        }
        self.init(payloadType: type, payload: payload, signatures: signatures)
    }

    /// Parses envelope JSON bytes.
    package init(parsing bytes: [UInt8]) throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch let error as LedgerError {
            throw LedgerError(.badEnvelope, "envelope is not json: \(error.message)")
        }
        try self.init(json: value)
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
