package io.heimdall.core.internal.inflight;

import java.time.Duration;

/**
 * A snapshot of the watchdog's counters, for metrics. Totals count since the watchdog started.
 *
 * @param inFlight                requests registered and not yet closed (cancelled ones included until closed)
 * @param maxInFlight             the admission cap
 * @param admitted                total requests admitted
 * @param rejected                total requests refused because the cap was reached
 * @param cancelledClientGone     total requests cancelled because their client went away
 * @param cancelledDeadline       total requests cancelled because their deadline passed
 * @param clientLivenessAvailable whether client liveness is being checked (Linux with a readable /proc/net/tcp)
 * @param scans                   total scans of the TCP tables
 * @param lastScanDuration        how long the latest scan took ({@link Duration#ZERO} before the first)
 * @param lastScanRows            how many rows (TCP sockets) the latest scan read
 */
public record InFlightStats(int inFlight, int maxInFlight, long admitted, long rejected, long cancelledClientGone,
                            long cancelledDeadline, boolean clientLivenessAvailable, long scans,
                            Duration lastScanDuration, int lastScanRows) {
    /** Total requests cancelled for one reason. */
    public long cancelled(CancelReason reason) {
        return switch (reason) {
            case CLIENT_GONE -> cancelledClientGone;
            case DEADLINE -> cancelledDeadline;
        };
    }
}
