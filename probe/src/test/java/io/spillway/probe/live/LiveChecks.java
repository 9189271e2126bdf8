package io.spillway.probe.live;

import io.spillway.capture.live.NetNs;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What every live test checks after itself: no namespace, interface or process of it is left. */
final class LiveChecks
{
    /** The interface names the live tests give their veth ends (all inside test namespaces). */
    private static final List<String> INTERFACES = List.of("cap0", "peer0", "cap1", "peer1", "cli0", "srv0");

    private LiveChecks()
    {
    }

    static void assertNothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm(), "network namespaces left behind");
        assertEquals(List.of(), Child.leftovers(), "processes left running");
        final String links = io.spillway.capture.reference.ExternalTool.run(List.of("ip", "-o", "link", "show"));
        for (final String name : INTERFACES)
        {
            assertFalse(links.contains(": " + name + "@") || links.contains(": " + name + ":"),
                name + " is in the root namespace:\n" + links);
        }
    }
}
