/**
 * The assembled Heimdall distribution ({@code target/heimdall/}: {@code bin/}, {@code conf/}, {@code lib/},
 * {@code plugins/}). This module holds no code of its own: its tests drive the gateway in-process, through the core
 * it requires, and as a process, through the built {@code bin/heimdall}.
 */
module io.heimdall.distribution {
    requires io.heimdall.core;
}
