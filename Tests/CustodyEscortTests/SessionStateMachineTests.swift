import CustodyCore
import Testing

@testable import CustodyEscort

struct SessionStateMachineTests {
    let readOnly = CommandExplanation(summary: "Lists files.", riskClass: .readOnly)
    let unknown = CommandExplanation(summary: "Custody cannot explain this command yet.", riskClass: .unknown)
    let writes = CommandExplanation(summary: "Creates a file.", riskClass: .writesFiles)

    private func machine(runWithoutApproval: Set<RiskClass> = [.readOnly]) -> SessionStateMachine {
        SessionStateMachine(engineer: "eng", requiresEscort: true, policy: EscortPolicy(runWithoutApproval: runWithoutApproval))
    }

    private func forwarded(_ actions: [SessionStateMachine.Action]) -> [[UInt8]] {
        actions.compactMap { if case .forward(let bytes) = $0 { return bytes } else { return nil } }
    }

    @Test func waitsForEscortAndRefusesEngineerAsOwnEscort() {
        var sm = machine()
        #expect(sm.phase == .waitingForEscort)
        #expect(!sm.acceptsInput)
        let refused = sm.handle(.escortJoined("eng"))
        #expect(refused == [.refuse("you cannot escort your own session (two-person rule)")])
        #expect(sm.phase == .waitingForEscort)
        _ = sm.handle(.escortJoined("esc"))
        #expect(sm.phase == .open)
        #expect(sm.handle(.escortJoined("other")).first == .refuse("this session already has an escort"))
    }

    @Test func readOnlyRunsWithoutApprovalRiskyWaits() {
        var sm = machine()
        _ = sm.handle(.escortJoined("esc"))
        let free = sm.handle(.lineCompleted(Array("ls".utf8), readOnly, opaqueReason: nil))
        #expect(forwarded(free) == [Array("ls\n".utf8)])
        #expect(sm.phase == .open)

        let held = sm.handle(.lineCompleted(Array("touch x".utf8), writes, opaqueReason: nil))
        #expect(forwarded(held).isEmpty)
        #expect(sm.phase == .awaitingApproval)
        #expect(!sm.acceptsInput)
        // The engineer cannot approve their own line.
        #expect(sm.handle(.approve(by: "eng")) == [.refuse("only the attached escort may approve")])
        #expect(sm.handle(.approve(by: "stranger")) == [.refuse("only the attached escort may approve")])
        let approved = sm.handle(.approve(by: "esc"))
        #expect(forwarded(approved) == [Array("touch x\n".utf8)])
        #expect(approved.contains { if case .decided(_, "approved", "esc", nil) = $0 { return true } else { return false } })
        #expect(sm.phase == .open)
    }

    @Test func unknownAndOpaqueAlwaysWaitEvenIfPolicyListsThem() {
        var sm = machine(runWithoutApproval: [.readOnly, .unknown])
        _ = sm.handle(.escortJoined("esc"))
        #expect(forwarded(sm.handle(.lineCompleted(Array("zz".utf8), unknown, opaqueReason: nil))).isEmpty)
        _ = sm.handle(.deny(by: "esc", reason: "no"))
        #expect(forwarded(sm.handle(.lineCompleted(Array("ls\nls".utf8), readOnly, opaqueReason: "a paste of 2 lines"))).isEmpty)
        #expect(sm.phase == .awaitingApproval)
    }

    @Test func deniedLineIsNeverForwardedAndReasonReachesEngineer() {
        var sm = machine()
        _ = sm.handle(.escortJoined("esc"))
        _ = sm.handle(.lineCompleted(Array("rm -rf /".utf8), unknown, opaqueReason: nil))
        let denied = sm.handle(.deny(by: "esc", reason: "not today"))
        #expect(forwarded(denied).isEmpty)
        #expect(denied.contains(.tellEngineer("denied by esc: not today")))
        #expect(sm.phase == .open)
        #expect(sm.handle(.approve(by: "esc")) == [.tellEscort("nothing is waiting")])
    }

    @Test func escortLeavingPausesAndPendingLineIsAskedAgain() {
        var sm = machine()
        _ = sm.handle(.escortJoined("esc"))
        _ = sm.handle(.lineCompleted(Array("make".utf8), unknown, opaqueReason: nil))
        _ = sm.handle(.escortLeft)
        #expect(sm.phase == .paused)
        #expect(sm.handle(.approve(by: "esc")) == [.refuse("only the attached escort may approve")])
        let back = sm.handle(.escortJoined("esc2"))
        #expect(back.contains { if case .askEscort(let p) = $0 { return p.number == 1 } else { return false } })
        #expect(sm.phase == .awaitingApproval)
    }

    @Test func pauseResumeWithdrawAndEnd() {
        var sm = machine()
        _ = sm.handle(.escortJoined("esc"))
        _ = sm.handle(.pause(by: "esc"))
        #expect(sm.phase == .paused)
        #expect(sm.handle(.lineCompleted(Array("ls".utf8), readOnly, opaqueReason: nil)) == [.tellEngineer("input is paused")])
        _ = sm.handle(.resume(by: "esc"))
        _ = sm.handle(.lineCompleted(Array("vi".utf8), unknown, opaqueReason: nil))
        let withdrawn = sm.handle(.withdraw)
        #expect(withdrawn.contains { if case .decided(_, "withdrawn", "eng", nil) = $0 { return true } else { return false } })
        #expect(sm.phase == .open)
        #expect(sm.handle(.end(by: "stranger", reason: "x")).first == .refuse("only the escort or the engineer may end the session"))
        let ended = sm.handle(.end(by: "esc", reason: "done"))
        #expect(ended.last == .end(reason: "done", by: "esc"))
        #expect(sm.phase == .ended)
        #expect(sm.handle(.escortJoined("esc3")).isEmpty)
    }

    @Test func unescortedEngineerRunsLinesWithoutWaiting() {
        var sm = SessionStateMachine(engineer: "lead", requiresEscort: false, policy: .safeDefault)
        #expect(sm.phase == .open)
        #expect(forwarded(sm.handle(.lineCompleted(Array("rm x".utf8), unknown, opaqueReason: nil))) == [Array("rm x\n".utf8)])
    }
}
