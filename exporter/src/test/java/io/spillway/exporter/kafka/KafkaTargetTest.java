package io.spillway.exporter.kafka;

import io.spillway.exporter.ExportTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing of {@code kafka://BROKER[,BROKER]/TOPIC}. */
class KafkaTargetTest
{
    @Test
    void brokersWithAndWithoutPortsAndTheTopic()
    {
        final ExportTarget target = ExportTarget.parse("KAFKA://k1.example:9093,10.0.0.2,[2001:db8::1]/flows.v1");
        assertEquals(ExportTarget.Format.KAFKA, target.format());
        assertEquals(ExportTarget.Transport.KAFKA, target.transport());
        assertEquals(List.of("k1.example:9093", "10.0.0.2:9092", "[2001:db8::1]:9092"), target.brokers());
        assertEquals("k1.example:9093,10.0.0.2:9092,[2001:db8::1]:9092", target.host());
        assertEquals("flows.v1", target.topic());
        assertEquals("kafka://k1.example:9093,10.0.0.2:9092,[2001:db8::1]:9092/flows.v1", target.toString());
        assertEquals(target, ExportTarget.parse(target.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka:", "kafka:host/t", "kafka://", "kafka://host", "kafka://host/", "kafka:///t",
        "kafka://host:0/t", "kafka://host:99999/t", "kafka://a,,b/t", "kafka://host/bad topic", "kafka://host/a/b",
        "kafka://host/..", "kafka://2001:db8::1/t", "kafka://[2001:db8::1/t"})
    void malformedSpecsAreRejectedWithTheAcceptedForms(final String spec)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse(spec));
        assertTrue(ex.getMessage().contains("kafka://BROKER[,BROKER]/TOPIC"), ex.getMessage());
    }

    @Test
    void anIpv6BrokerWithoutBracketsSaysHowToWriteIt()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse("kafka://2001:db8::1/flows"));
        assertTrue(ex.getMessage().contains("kafka://[2001:db8::1]:9092/flows"), ex.getMessage());
    }

    @Test
    void onlyAKafkaTargetHasATopic()
    {
        assertThrows(IllegalArgumentException.class, () -> new ExportTarget(
            ExportTarget.Format.PROTOBUF, ExportTarget.Transport.TCP, "h", 1, null, "t"));
        assertThrows(IllegalArgumentException.class, () -> new ExportTarget(
            ExportTarget.Format.KAFKA, ExportTarget.Transport.KAFKA, "h:9092", 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new ExportTarget(
            ExportTarget.Format.JSON, ExportTarget.Transport.KAFKA, "h:9092", 0, null, "t"));
    }
}
