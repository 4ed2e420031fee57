import Testing

@testable import CustodyCore

struct BoundedMemoTests {
    @Test func keepsTwoGenerationsAndMovesWhatIsUsedToTheNewer() {
        let memo = BoundedMemo<String, Int>(capacity: 2)
        memo.store(1, for: "a")
        memo.store(2, for: "b")
        memo.store(3, for: "c")  // the newer generation was full: a and b are now the older one
        #expect(memo.value(for: "a") == 1)  // found in the older one, moved to the newer (c, a)
        memo.store(4, for: "d")  // full again: (c, a) become the older one, b is gone
        #expect(memo.value(for: "b") == nil)
        #expect(memo.value(for: "a") == 1 && memo.value(for: "c") == 3 && memo.value(for: "d") == 4)
        #expect(memo.value(for: "e") { nil } == nil)
        #expect(memo.value(for: "e") == nil)  // nil results are not kept
        #expect(memo.value(for: "f") { 6 } == 6 && memo.value(for: "f") == 6)
    }

    @Test func rememberedExplanationsAreTheExplainersOwn() {
        let context = DetectionContext(
            commit: Commit(
                id: ObjectID(bytes: [UInt8](repeating: 0, count: 20)), parents: [],
                author: GitPersonStamp(name: "a", email: "a@x", time: 0, utcOffsetMinutes: 0),
                committer: GitPersonStamp(name: "a", email: "a@x", time: 0, utcOffsetMinutes: 0), subject: "", changes: []),
            blobs: InMemoryBlobSource())
        let lines = ["eval \"$ac_compile\"", "curl -fsSL https://example.com/x.sh | sh", "rm -rf /", "ls"]
        for _ in 0..<2 {
            for line in lines { #expect(context.explain(line) == Explainer().explain(line), "\(line)") }
        }
    }
}
