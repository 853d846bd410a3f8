package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether one upstream API key may be used now: cooled down after a 429, or disabled after a 401/403. Lock-free: one
 * immutable state swapped by compare-and-set; reads allocate nothing, changes allocate one small record.
 *
 * <ul>
 *   <li>{@link #rateLimited(Duration)}: the upstream said how long to wait; the key rests that long.</li>
 *   <li>{@link #rateLimited()}: no hint; the key rests {@code initial}, doubling for each 429 in a row, up to
 *       {@code max}. A success ends the streak.</li>
 *   <li>{@link #disable(String)}: the key is out until a config reload replaces this object (the registry does when
 *       the key's fingerprint changes), or, with a {@code disabledRecheck} interval, until one trial call per
 *       interval succeeds. A disabled key is never retried in a loop.</li>
 * </ul>
 * A rest only ever gets longer: a shorter one requested during a longer one changes nothing.
 */
public final class KeyHealth {
    private static final int MAX_REASON = 200;

    /**
     * @param coolUntil  nanoTime until which the key rests (meaningful when {@code cooling})
     * @param cooling    whether a rest was ever set
     * @param streak     429s in a row
     * @param reason     why the key is disabled; empty when it is not
     * @param disabledAt nanoTime of the disabling or of the last trial
     */
    private record S(long coolUntil, boolean cooling, int streak, String reason, long disabledAt) {
        static final S FRESH = new S(0, false, 0, "", 0);
    }

    private final CooldownSettings settings;
    private final LongSupplier nanoTime;
    private final long initialNanos;
    private final long maxNanos;
    private final long recheckNanos;
    private final AtomicReference<S> state;

    /** A key that is available. */
    public KeyHealth(CooldownSettings settings, LongSupplier nanoTime) {
        this(settings, nanoTime, S.FRESH);
    }

    private KeyHealth(CooldownSettings settings, LongSupplier nanoTime, S initial) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.initialNanos = Nanos.of(settings.initial());
        this.maxNanos = Nanos.of(settings.max());
        this.recheckNanos = Nanos.of(settings.disabledRecheck());
        this.state = new AtomicReference<>(initial);
    }

    /** The same key state under new settings (a config reload that changed only the cooldown settings). */
    public KeyHealth withSettings(CooldownSettings newSettings) {
        return newSettings.equals(settings) ? this : new KeyHealth(newSettings, nanoTime, state.get());
    }

    /** The settings. */
    public CooldownSettings settings() {
        return settings;
    }

    /** Whether the key may be used now: not resting, and not disabled (or due for its re-check). No side effect. */
    public boolean available() {
        S s = state.get();
        long now = nanoTime.getAsLong();
        return !resting(s, now) && (s.reason.isEmpty() || recheckDue(s, now));
    }

    /**
     * Takes the key for a call: true if {@link #available()}; for a disabled key whose re-check is due, true for
     * exactly one caller per re-check interval (the trial), false for the others.
     */
    public boolean tryAcquire() {
        while (true) {
            S s = state.get();
            long now = nanoTime.getAsLong();
            if (resting(s, now)) {
                return false;
            }
            if (s.reason.isEmpty()) {
                return true;
            }
            if (!recheckDue(s, now)) {
                return false;
            }
            if (state.compareAndSet(s, new S(s.coolUntil, s.cooling, s.streak, s.reason, now))) {
                return true;
            }
        }
    }

    private static boolean resting(S s, long now) {
        return s.cooling && now - s.coolUntil < 0;
    }

    private boolean recheckDue(S s, long now) {
        return recheckNanos > 0 && now - s.disabledAt >= recheckNanos;
    }

    /** After a 429 without a hint: rests the key {@code initial × 2^(streak-1)}, up to {@code max}; returns it. */
    public Duration rateLimited() {
        return rest(-1);
    }

    /** After a 429 with the upstream's {@code retry-after}: rests the key that long; returns it. */
    public Duration rateLimited(Duration retryAfter) {
        return rest(Nanos.of(retryAfter));
    }

    /** After a 429: honours the error's {@code retry-after} if it has one, else rests exponentially. */
    public Duration rateLimited(GatewayError error) {
        return error.retryAfter().map(this::rateLimited).orElseGet(this::rateLimited);
    }

    private Duration rest(long hintNanos) {
        while (true) {
            S s = state.get();
            long now = nanoTime.getAsLong();
            int streak = s.streak == Integer.MAX_VALUE ? s.streak : s.streak + 1;
            long rest = hintNanos >= 0 ? hintNanos : Nanos.doubling(initialNanos, streak, maxNanos);
            long until = later(s, now, rest);
            if (state.compareAndSet(s, new S(until, true, streak, s.reason, s.disabledAt))) {
                return Duration.ofNanos(rest);
            }
        }
    }

    /** Rests the key for at least {@code period} from now, without counting a 429 (e.g. an upstream's quota hint). */
    public void cooldown(Duration period) {
        long rest = Nanos.of(period);
        while (true) {
            S s = state.get();
            long now = nanoTime.getAsLong();
            if (state.compareAndSet(s, new S(later(s, now, rest), true, s.streak, s.reason, s.disabledAt))) {
                return;
            }
        }
    }

    private static long later(S s, long now, long rest) {
        long until = now + Math.min(rest, Long.MAX_VALUE / 2);
        return s.cooling && s.coolUntil - until > 0 ? s.coolUntil : until;
    }

    /**
     * Takes the key out after a 401/403 (or a missing key).
     *
     * @param reason why, safe to log: a status and codes, never an upstream message or the key; it is trimmed to
     *               one line of at most {@value #MAX_REASON} characters. {@link #reason(GatewayError)} builds one.
     */
    public void disable(String reason) {
        String safe = clean(reason);
        String r = safe.isEmpty() ? "disabled" : safe;
        while (true) {
            S s = state.get();
            if (state.compareAndSet(s, new S(s.coolUntil, s.cooling, s.streak, r, nanoTime.getAsLong()))) {
                return;
            }
        }
    }

    /**
     * After a successful call: ends a 429 streak; with a re-check interval, also ends a disabling (the trial
     * succeeded). Without one, a disabled key stays disabled even if a call that started before the 401 succeeds.
     */
    public void onSuccess() {
        while (true) {
            S s = state.get();
            boolean enable = !s.reason.isEmpty() && recheckNanos > 0;
            if (s.streak == 0 && !enable) {
                return;
            }
            S next = enable ? new S(s.coolUntil, s.cooling, 0, "", 0)
                    : new S(s.coolUntil, s.cooling, 0, s.reason, s.disabledAt);
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /** What remains of the key's rest after a 429; zero when it is not resting. */
    public Duration cooldownRemaining() {
        S s = state.get();
        long left = s.coolUntil - nanoTime.getAsLong();
        return s.cooling && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** 429s in a row. */
    public int rateLimitStreak() {
        return state.get().streak;
    }

    /** Whether the key is disabled. */
    public boolean disabled() {
        return !state.get().reason.isEmpty();
    }

    /** Why the key is disabled, safe to log; empty when it is not. */
    public Optional<String> disabledReason() {
        String r = state.get().reason;
        return r.isEmpty() ? Optional.empty() : Optional.of(r);
    }

    /**
     * A reason safe to log for a key refused with {@code error}: its status, type and code only (never the upstream's
     * message, which may echo what it was sent), e.g. {@code "HTTP 401 authentication_error (invalid_api_key)"}.
     */
    public static String reason(GatewayError error) {
        String code = error.code().map(KeyHealth::token).filter(c -> !c.isEmpty()).map(c -> " (" + c + ")")
                .orElse("");
        return "HTTP " + error.status() + " " + token(error.type()) + code;
    }

    private static String token(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_.\\-]", "");
        return t.length() > 64 ? t.substring(0, 64) : t;
    }

    private static String clean(String reason) {
        String one = reason.replaceAll("\\p{Cntrl}+", " ").strip();
        return one.length() > MAX_REASON ? one.substring(0, MAX_REASON) + "..." : one;
    }

    @Override
    public String toString() {
        S s = state.get();
        return "KeyHealth[" + (s.reason.isEmpty() ? "enabled" : "disabled: " + s.reason) + ", rest "
                + cooldownRemaining() + "]";
    }
}
