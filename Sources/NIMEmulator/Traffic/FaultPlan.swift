/// What the emulator does to one API call besides answering it, drawn from the seeded
/// generator before the handler runs.
struct FaultPlan: Sendable, Equatable {
    /// How the call is disturbed instead of being served.
    enum Outcome: Sendable, Equatable {
        /// Served normally.
        case serve
        /// Answered with this HTTP status (500 or 503) and a JSON body; no state change.
        case fault(status: Int)
        /// The connection is closed without a response; no state change.
        case drop
    }

    /// Added delay before anything else happens, in milliseconds.
    var latencyMs: Int = 0
    /// Serve, fault or drop.
    var outcome: Outcome = .serve
    /// Whether the response body is sent in two parts with a pause between them.
    var stall = false

    /// Draws a plan. Four numbers are always drawn, so one call's plan never shifts the next.
    static func draw(
        using generator: inout SplitMix64,
        latency: ClosedRange<Int>?,
        faultRate: Double,
        dropRate: Double,
        stallRate: Double
    ) -> FaultPlan {
        let latencyDraw = generator.next()
        let outcomeDraw = generator.unit()
        let statusDraw = generator.next()
        let stallDraw = generator.unit()

        var plan = FaultPlan()
        if let latency, latency.upperBound > 0 {
            let lower = max(0, latency.lowerBound)
            let width = UInt64(max(0, latency.upperBound - lower)) + 1
            plan.latencyMs = lower + Int(latencyDraw % width)
        }
        if outcomeDraw < dropRate {
            plan.outcome = .drop
        } else if outcomeDraw < dropRate + faultRate {
            plan.outcome = .fault(status: statusDraw & 1 == 0 ? 500 : 503)
        }
        plan.stall = stallDraw < stallRate
        return plan
    }
}
