import Synchronization

/// Token buckets by key: each key may spend `burst` at once and earns `perSecond` back every
/// second. Thread-safe; buckets that have filled up again are forgotten once there are many.
final class RateLimiter: Sendable {
    /// A limit: a sustained rate and the burst above it.
    struct Limit: Sendable, Equatable {
        let perSecond: Double
        let burst: Double

        /// `perSecond` sustained, with a burst of `burst` (at least one).
        init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = max(burst, 1)
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let limit: Limit
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Above this many keys, full buckets are dropped (they hold nothing a new one would not).
    private static let tidyAbove = 10_000

    init(_ limit: Limit) {
        self.limit = limit
    }

    /// Spends one token of `key`'s bucket: nil when there was one, else how long until there
    /// will be.
    func spend(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            var bucket = refilled(buckets[key], now: now)
            defer { buckets[key] = bucket }
            if buckets.count > Self.tidyAbove { tidy(&buckets, now: now) }
            guard bucket.tokens >= 1 else { return .seconds((1 - bucket.tokens) / limit.perSecond) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// How long until `key` may spend a token (nil: it may now), without spending one.
    func wait(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            let bucket = refilled(buckets[key], now: now)
            return bucket.tokens >= 1 ? nil : .seconds((1 - bucket.tokens) / limit.perSecond)
        }
    }

    private func refilled(_ bucket: Bucket?, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket else { return Bucket(tokens: limit.burst, updated: now) }
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(limit.burst, bucket.tokens + seconds * limit.perSecond)
        bucket.updated = now
        return bucket
    }

    private func tidy(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < limit.burst }
    }
}
