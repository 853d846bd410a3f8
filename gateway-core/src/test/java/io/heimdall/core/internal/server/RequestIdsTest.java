package io.heimdall.core.internal.server;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {
    @Test
    void idsHaveTheFixedShapeAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String id = RequestIds.next();
            assertTrue(id.matches("req_[0-9a-f]{32}"), id);
            // The top bit of each half is set: its first hex digit is 8 to f.
            assertTrue("89abcdef".indexOf(id.charAt(4)) >= 0 && "89abcdef".indexOf(id.charAt(20)) >= 0, id);
            seen.add(id);
        }
        assertEquals(2000, seen.size());
    }
}
