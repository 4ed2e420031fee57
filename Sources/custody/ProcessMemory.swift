#if canImport(Glibc)
import Glibc
#endif

/// How custody's own heap behaves during a history read (the audit, the gate).
enum ProcessMemory {
    /// Keeps freed memory in glibc's heap instead of giving it back to the kernel.
    ///
    /// By default glibc serves blocks of 128 KiB and more (a chunk of git's output, a file's
    /// added lines, a blob) with their own mapping and unmaps them when freed, and trims each
    /// thread's heap as soon as 128 KiB at its top are free. With reader, detector and git
    /// threads all allocating and freeing such blocks, each unmapping interrupts the other
    /// cores to flush their TLBs and each new block faults its pages in again: on jq about 5 %
    /// of all CPU samples were those kernel paths. Blocks up to 32 MiB now come from the heap
    /// and the heap keeps up to 1 GiB free at its top; what is freed is reused, not returned.
    /// Peak memory is what was in use at once, as before (measured in Benchmarks/README.md).
    static func keepHeap() {
        #if canImport(Glibc)
            // <malloc.h>, which Glibc's Swift module does not include.
            let trimThreshold: Int32 = -1, topPad: Int32 = -2, mmapThreshold: Int32 = -3
            _ = custodyMallopt(mmapThreshold, 32 << 20)
            _ = custodyMallopt(trimThreshold, 1 << 30)
            _ = custodyMallopt(topPad, 64 << 20)
        #endif
    }
}

#if canImport(Glibc)
    @_silgen_name("mallopt")
    private func custodyMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
