package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.auth.Caller;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.RawJson;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts that need no MCP server: names, request filters, arguments, access rules. */
class McpPiecesTest {
    private static ChatRequest request(String mcpField) {
        ChatRequest.Builder b = ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi"));
        if (mcpField != null) {
            b.extra(RequestFilter.FIELD, new RawJson(mcpField));
        }
        return b.build();
    }

    @Test
    void exposedNamesAreValidOpenAiFunctionNames() {
        assertEquals("fs__read_file", ToolCatalog.exposedName("fs__", "read_file"));
        assertEquals("my_srv__a_b_c", ToolCatalog.exposedName("my.srv__", "a b/c"));
        assertEquals(64, ToolCatalog.exposedName("p__", "x".repeat(100)).length());
    }

    @Test
    void requestFiltersComeFromTheFieldAndTheHeaders() {
        TestRequestContext ctx = new TestRequestContext().header("x-heimdall-mcp-include", "a__*, b__x")
                .header("x-heimdall-mcp-exclude", "a__secret");
        RequestFilter f = RequestFilter.of(request("{\"include\":[\"c__*\"],\"exclude\":[\"c__y\"]}"), ctx);
        assertEquals(List.of("a__*", "b__x", "c__*"), f.include());
        assertEquals(List.of("a__secret", "c__y"), f.exclude());
        assertFalse(f.off());
        assertTrue(RequestFilter.of(request("false"), new TestRequestContext()).off());
        assertTrue(RequestFilter.of(request(null), new TestRequestContext().header("x-heimdall-mcp", "off")).off());
        assertFalse(RequestFilter.strip(request("false")).extra().containsKey(RequestFilter.FIELD));
        GatewayException bad = assertThrows(GatewayException.class,
                () -> RequestFilter.of(request("{\"include\":\"a\"}"), new TestRequestContext()));
        assertEquals("mcp.include", bad.error().param().orElseThrow());
    }

    @Test
    void argumentsMustBeAJsonObject() {
        assertEquals(Map.of(), ToolRunner.parseArguments(""));
        assertEquals(Map.of("a", 2), ToolRunner.parseArguments("{\"a\":2}"));
        for (String bad : List.of("[1]", "{oops", "3")) {
            GatewayException e = assertThrows(GatewayException.class, () -> ToolRunner.parseArguments(bad));
            assertEquals(400, e.error().status());
            assertEquals("function.arguments", e.error().param().orElseThrow());
        }
    }

    @Test
    void accessRulesMatchCallerIdsAndTags() {
        List<AccessRule> rules = List.of(new AccessRule(List.of(), List.of("ops"), List.of("*")),
                new AccessRule(List.of("ci-*"), List.of(), List.of("gh__search_*")));
        Caller ops = Caller.of("alice").withTags(Set.of("ops"));
        Caller ci = Caller.of("ci-42");
        assertTrue(AccessRule.permits(rules, ops, "fs__delete"));
        assertTrue(AccessRule.permits(rules, ci, "gh__search_code"));
        assertFalse(AccessRule.permits(rules, ci, "gh__delete_repo"));
        assertFalse(AccessRule.permits(rules, Caller.anonymous(), "gh__search_code"));
        assertTrue(AccessRule.permits(List.of(), Caller.anonymous(), "anything"), "no rules: everyone");
    }

    /** A System.Logger that keeps the formatted lines. */
    private static final class Lines implements System.Logger {
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "heimdall.plugin.mcp";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            lines.add(java.text.MessageFormat.format(format, params));
        }
    }

    @Test
    void everyToolRunIsLoggedWithCallerSizeDurationAndOutcomeButNotTheArguments() {
        Lines log = new Lines();
        ToolRunner runner = new ToolRunner(new ToolCatalog(List.of(), List.of()), log);
        TestRequestContext ctx = new TestRequestContext().caller("alice");
        GatewayException e = assertThrows(GatewayException.class,
                () -> runner.run("ev__get-sum", "{\"secret\":\"hunter2\"}", ctx));
        assertEquals(404, e.error().status());
        assertEquals(1, log.lines.size(), log.lines::toString);
        assertTrue(log.lines.getFirst().matches("MCP tool run: caller=alice tool=ev__get-sum argument-bytes=20 "
                + "duration-ms=\\d+ outcome=tool_not_found"), log.lines::toString);
        assertFalse(log.lines.getFirst().contains("hunter2"), log.lines::toString);
    }
}
