package io.heimdall.plugin.adminapi;

import io.heimdall.api.model.GatewayError;
import io.heimdall.api.route.Attempt;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The most recent failed upstream attempts of every provider key, for the health view. Thread-safe. */
final class TargetErrors {
    /**
     * One failed attempt.
     *
     * @param time    when it ended
     * @param model   the upstream model
     * @param status  the upstream (or gateway) status
     * @param fault   the fault class (rate-limited, server-error, timeout, ...)
     * @param message the error message as a client would see it (never a secret)
     */
    record Failure(Instant time, String model, int status, String fault, String message) {
    }

    private static final int PER_TARGET = 5;
    private static final int MAX_MESSAGE = 300;

    private final Map<String, Deque<Failure>> byTarget = new ConcurrentHashMap<>();

    /** Notes a failed attempt; a successful one is ignored. */
    void add(Attempt attempt, Instant now) {
        if (attempt.succeeded()) {
            return;
        }
        String message = attempt.error().map(GatewayError::message).orElse("");
        Failure f = new Failure(now, attempt.target().model(), attempt.status(),
                attempt.fault().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
        Deque<Failure> d = byTarget.computeIfAbsent(key(attempt.target().provider(), attempt.target().keyName()),
                k -> new ArrayDeque<>());
        synchronized (d) {
            d.addFirst(f);
            while (d.size() > PER_TARGET) {
                d.removeLast();
            }
        }
    }

    /** The most recent failures of a provider key, newest first. */
    List<Failure> recent(String provider, String key) {
        Deque<Failure> d = byTarget.get(key(provider, key));
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return new ArrayList<>(d);
        }
    }

    private static String key(String provider, String key) {
        return provider + '\u0000' + key;
    }
}
