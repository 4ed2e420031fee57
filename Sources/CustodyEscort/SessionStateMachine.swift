import CustodyCore

/// The rules of one escorted session, without I/O: who is attached, whether the engineer may
/// type, what waits for approval, and who decided. The gateway feeds it inputs and carries out the
/// actions it returns.
///
/// Two-person rule: the escort is never the engineer, and only the attached escort decides.
package struct SessionStateMachine: Sendable {
    /// A line (or opaque item) shown to the escort and waiting, or already judged.
    package struct Proposal: Hashable, Sendable {
        package var number: Int
        package var line: [UInt8]
        package var explanation: CommandExplanation
        package var opaqueReason: String?
    }

    package enum Phase: Hashable, Sendable {
        /// No escort has joined yet.
        case waitingForEscort
        /// The engineer may type; lines are judged as they complete.
        case open
        /// A line waits for the escort.
        case awaitingApproval
        /// The escort left or paused: input is held.
        case paused
        case ended
    }

    package enum Input: Sendable {
        case escortJoined(String)
        case escortLeft
        case lineCompleted([UInt8], CommandExplanation, opaqueReason: String?)
        case approve(by: String)
        case deny(by: String, reason: String)
        case withdraw
        case pause(by: String)
        case resume(by: String)
        case end(by: String?, reason: String)
    }

    package enum Action: Hashable, Sendable {
        case tellEngineer(String)
        case tellEscort(String)
        /// Show the escort a proposal and ask for a decision.
        case askEscort(Proposal)
        /// Send these bytes to the shell.
        case forward([UInt8])
        /// A proposal was recorded (for the ledger and the recording).
        case proposed(Proposal, needsApproval: Bool)
        /// A decision was made: approved, denied, auto-approved or withdrawn.
        case decided(Proposal, decision: String, by: String?, reason: String?)
        case paused(by: String?)
        case resumed(by: String?)
        case escortJoined(String)
        case escortLeft(String)
        case refuse(String)
        case end(reason: String, by: String?)
    }

    package let engineer: String
    package let requiresEscort: Bool
    package let policy: EscortPolicy
    package private(set) var escort: String?
    package private(set) var everHadEscort = false
    package private(set) var pausedByEscort = false
    package private(set) var pending: Proposal?
    package private(set) var ended = false
    private var nextNumber = 1

    package init(engineer: String, requiresEscort: Bool, policy: EscortPolicy) {
        self.engineer = engineer
        self.requiresEscort = requiresEscort
        self.policy = policy
    }

    package var phase: Phase {
        if ended { return .ended }
        guard requiresEscort else { return pending == nil ? .open : .awaitingApproval }
        if escort == nil { return everHadEscort ? .paused : .waitingForEscort }
        if pausedByEscort { return .paused }
        return pending == nil ? .open : .awaitingApproval
    }

    /// Whether keystrokes from the engineer are accepted now.
    package var acceptsInput: Bool { phase == .open }

    package mutating func handle(_ input: Input) -> [Action] {
        guard !ended else { return [] }
        switch input {
        case .escortJoined(let who):
            if who == engineer { return [.refuse("you cannot escort your own session (two-person rule)")] }
            if escort != nil { return [.refuse("this session already has an escort")] }
            escort = who
            everHadEscort = true
            pausedByEscort = false
            var actions: [Action] = [.escortJoined(who), .tellEngineer("escort \(who) joined; you may type")]
            if let pending { actions.append(.askEscort(pending)) }
            return actions
        case .escortLeft:
            guard let who = escort else { return [] }
            escort = nil
            pausedByEscort = false
            return [.escortLeft(who), .paused(by: nil), .tellEngineer("the escort left; input is paused until an escort is back")]
        case .lineCompleted(let line, let explanation, let opaqueReason):
            guard acceptsInput else { return [.tellEngineer("input is paused")] }
            let proposal = Proposal(number: nextNumber, line: line, explanation: explanation, opaqueReason: opaqueReason)
            nextNumber += 1
            let free = !requiresEscort || policy.runsWithoutApproval(explanation.riskClass, opaque: opaqueReason != nil)
            if free {
                var actions: [Action] = [.proposed(proposal, needsApproval: false)]
                if requiresEscort { actions.append(.tellEscort("runs without approval (\(explanation.riskClass.rawValue))")) }
                actions += [.decided(proposal, decision: "auto-approved", by: nil, reason: "policy"), .forward(line + [0x0A])]
                return actions
            }
            pending = proposal
            return [.proposed(proposal, needsApproval: true), .askEscort(proposal), .tellEngineer("waiting for the escort's approval (ctrl-c withdraws)")]
        case .approve(let who):
            guard let proposal = pending else { return [.tellEscort("nothing is waiting")] }
            guard who == escort, who != engineer else { return [.refuse("only the attached escort may approve")] }
            pending = nil
            return [.decided(proposal, decision: "approved", by: who, reason: nil), .forward(proposal.line + [0x0A])]
        case .deny(let who, let reason):
            guard let proposal = pending else { return [.tellEscort("nothing is waiting")] }
            guard who == escort, who != engineer else { return [.refuse("only the attached escort may deny")] }
            pending = nil
            let because = reason.isEmpty ? "no reason given" : reason
            return [.decided(proposal, decision: "denied", by: who, reason: because), .tellEngineer("denied by \(who): \(because)")]
        case .withdraw:
            guard let proposal = pending else { return [] }
            pending = nil
            return [.decided(proposal, decision: "withdrawn", by: engineer, reason: nil), .tellEscort("the engineer withdrew line \(proposal.number)")]
        case .pause(let who):
            guard who == escort, !pausedByEscort else { return [] }
            pausedByEscort = true
            return [.paused(by: who), .tellEngineer("the escort paused the session")]
        case .resume(let who):
            guard who == escort, pausedByEscort else { return [] }
            pausedByEscort = false
            var actions: [Action] = [.resumed(by: who), .tellEngineer("the escort resumed the session")]
            if let pending { actions.append(.askEscort(pending)) }
            return actions
        case .end(let who, let reason):
            if let who, who != escort, who != engineer { return [.refuse("only the escort or the engineer may end the session")] }
            ended = true
            var actions: [Action] = []
            if let pending { actions.append(.decided(pending, decision: "withdrawn", by: who, reason: "session ended")) }
            pending = nil
            actions.append(.end(reason: reason, by: who))
            return actions
        }
    }
}
