package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameMixTest
{
    @Test
    void parsesTheSimpleImixAndPrintsItBack()
    {
        final FrameMix mix = FrameMix.parse(" 64:7, 594:4,1518:1 ");

        assertEquals(FrameMix.simpleImix(), mix);
        assertEquals("64:7,594:4,1518:1", mix.toString());
        assertEquals(3, mix.classes());
        assertEquals(64, mix.smallest());
        assertEquals(1518, mix.largest());
        assertEquals(7 / 12.0, mix.share(0), 1e-12);
        assertTrue(FrameMix.parse("128").isFixed());
        assertEquals(FrameMix.fixed(128), FrameMix.parse("128"));
    }

    @Test
    void rejectsMalformedMixesSayingWhy()
    {
        assertTrue(message("64:7,594").contains("SIZE:WEIGHT"));
        assertTrue(message("64:x").contains("whole numbers"));
        assertTrue(message("59:1,64:1").contains("[60, 9000]"));
        assertTrue(message("64:0,128:1").contains("at least 1"));
        assertTrue(message("64:1,64:2").contains("twice"));
        assertTrue(message("64:1:2").contains("SIZE:WEIGHT"));
        assertTrue(message("64:600000,128:600000").contains("at most"));
        assertTrue(message("60:1,61:1,62:1,63:1,64:1,65:1,66:1,67:1,68:1,69:1,70:1,71:1,72:1,73:1,74:1,75:1,76:1")
            .contains("16"));
    }

    @Test
    void drawsFollowTheWeightsWithinOnePercent()
    {
        final FrameMix mix = FrameMix.simpleImix();
        final SplittableRandom random = new SplittableRandom(11);
        final int[] counts = new int[mix.classes()];
        final int draws = 600_000;
        for (int i = 0; i < draws; i++)
        {
            counts[mix.drawClass(random)]++;
        }
        for (int i = 0; i < mix.classes(); i++)
        {
            assertEquals(mix.share(i), (double)counts[i] / draws, mix.share(i) * 0.01, "class " + i);
        }
    }

    @Test
    void aFixedSizeDrawsNothing()
    {
        final SplittableRandom used = new SplittableRandom(5);
        for (int i = 0; i < 10; i++)
        {
            assertEquals(0, FrameMix.fixed(100).drawClass(used));
        }

        assertEquals(new SplittableRandom(5).nextLong(), used.nextLong());
    }

    private static String message(final String text)
    {
        return assertThrows(IllegalArgumentException.class, () -> FrameMix.parse(text)).getMessage();
    }
}
