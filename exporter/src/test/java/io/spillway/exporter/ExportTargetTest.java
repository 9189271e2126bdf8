package io.spillway.exporter;

import io.spillway.exporter.ExportTarget.Format;
import io.spillway.exporter.ExportTarget.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportTargetTest
{
    @Test
    void shouldParseJsonToStandardOutput()
    {
        assertEquals(new ExportTarget(Format.JSON, Transport.STDOUT, null, 0, null), ExportTarget.parse("json:-"));
        assertEquals(ExportTarget.jsonStdout(), ExportTarget.parse("JSON:-"));
    }

    @Test
    void shouldParseJsonToFile()
    {
        assertEquals(ExportTarget.jsonFile(Path.of("/var/log/flows.json")),
            ExportTarget.parse("json:/var/log/flows.json"));
        assertEquals(ExportTarget.jsonFile(Path.of("flows.json")), ExportTarget.parse("json:flows.json"));
        assertEquals(ExportTarget.jsonFile(Path.of("a:b.json")), ExportTarget.parse("json:a:b.json"));
    }

    /** spec, transport, host, port */
    @ParameterizedTest
    @CsvSource({
        "ipfix:udp://collector.example.net:4739, UDP, collector.example.net, 4739",
        "ipfix:tcp://192.0.2.10:4739, TCP, 192.0.2.10, 4739",
        "IPFIX:UDP://collector:1, UDP, collector, 1",
        "ipfix:tcp://collector_1:65535, TCP, collector_1, 65535",
        "ipfix:udp://[2001:db8::1]:4739, UDP, 2001:db8::1, 4739",
        "ipfix:tcp://[fe80::1%eth0]:4740, TCP, fe80::1%eth0, 4740" })
    void shouldParseIpfixCollectors(final String spec, final Transport transport, final String host, final int port)
    {
        assertEquals(new ExportTarget(Format.IPFIX, transport, host, port, null), ExportTarget.parse(spec));
    }

    @Test
    void shouldParseIpfixFile()
    {
        assertEquals(new ExportTarget(Format.IPFIX, Transport.FILE, null, 0, Path.of("/data/flows.ipfix")),
            ExportTarget.parse("ipfix:file:/data/flows.ipfix"));
    }

    @ParameterizedTest
    @CsvSource({
        "json:-, json:-",
        "JSON:flows.json, json:flows.json",
        "ipfix:UDP://collector:4739, ipfix:udp://collector:4739",
        "ipfix:tcp://[2001:db8::1]:4739, ipfix:tcp://[2001:db8::1]:4739",
        "ipfix:file:/data/flows.ipfix, ipfix:file:/data/flows.ipfix" })
    void shouldPrintTheCanonicalSpecThatParsesBack(final String spec, final String canonical)
    {
        final ExportTarget target = ExportTarget.parse(spec);

        assertEquals(canonical, target.toString());
        assertEquals(target, ExportTarget.parse(target.toString()));
    }

    /** spec | the reason the message must give */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                | it is empty",
        "'   '                             | it is empty",
        "flows.json                        | it has no scheme",
        "-                                 | it has no scheme",
        "csv:/tmp/flows.csv                | unknown scheme 'csv'",
        "kafka://broker:9092               | it has no /TOPIC after the brokers",
        "nats://broker:4222/flows          | unknown scheme 'nats'",
        "json:                             | it has no path",
        "ipfix:                            | IPFIX needs udp://HOST:PORT, tcp://HOST:PORT or file:PATH after 'ipfix:'",
        "ipfix:-                           | IPFIX needs udp://HOST:PORT, tcp://HOST:PORT or file:PATH after 'ipfix:'",
        "ipfix:sctp://collector:4739       | IPFIX needs udp://HOST:PORT, tcp://HOST:PORT or file:PATH after 'ipfix:'",
        "ipfix:udp:collector:4739          | IPFIX needs udp://HOST:PORT, tcp://HOST:PORT or file:PATH after 'ipfix:'",
        "ipfix:file:                       | it has no path",
        "ipfix:udp://                      | it has no host",
        "ipfix:udp://collector             | it has no port after the host",
        "ipfix:udp://collector:            | it has no port after the host",
        "ipfix:udp://:4739                 | it has no host",
        "ipfix:tcp://collector:0           | port '0' is not a number from 1 to 65535",
        "ipfix:tcp://collector:65536       | port '65536' is not a number from 1 to 65535",
        "ipfix:tcp://collector:99999999999 | port '99999999999' is not a number from 1 to 65535",
        "ipfix:tcp://collector:-1          | port '-1' is not a number from 1 to 65535",
        "ipfix:tcp://collector:47a9        | port '47a9' is not a number from 1 to 65535",
        "ipfix:tcp://collector:4739/flows  | port '4739/flows' is not a number from 1 to 65535",
        "ipfix:tcp://2001:db8::1:4739      | an IPv6 host must be in brackets, e.g. ipfix:udp://[2001:db8::1]:4739",
        "ipfix:tcp://[2001:db8::1]         | it has no port after the host",
        "ipfix:tcp://[2001:db8::1]4739     | it has no port after the host",
        "ipfix:tcp://[2001:db8::1:4739     | the IPv6 host has no closing ']'",
        "ipfix:tcp://[]:4739               | '' in brackets is not an IPv6 address",
        "ipfix:tcp://[collector]:4739      | 'collector' in brackets is not an IPv6 address",
        "ipfix:tcp://coll ector:4739       | 'coll ector' is not a host name or address",
        "ipfix:tcp://user@collector:4739   | 'user@collector' is not a host name or address" })
    void shouldRejectWithTheBadValueTheReasonAndTheAcceptedForms(final String spec, final String reason)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse(spec));

        assertEquals("invalid export target '" + spec + "': " + reason + "; accepted forms: " +
            ExportTarget.ACCEPTED_FORMS, ex.getMessage());
    }

    @ParameterizedTest
    @NullSource
    void shouldRejectAMissingSpec(final String spec)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse(spec));

        assertTrue(ex.getMessage().startsWith("invalid export target 'null': it is empty"), ex.getMessage());
    }

    @Test
    void shouldRejectAPathTheFileSystemCannotName()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse("json:/tmp/a\0b"));

        assertTrue(ex.getMessage().contains("is not a valid path"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("accepted forms: " + ExportTarget.ACCEPTED_FORMS), ex.getMessage());
    }

    @Test
    void shouldListEveryAcceptedForm()
    {
        for (final String form : new String[]{ "json:-", "json:PATH", "ipfix:udp://HOST:PORT", "ipfix:tcp://HOST:PORT",
            "ipfix:file:PATH" })
        {
            assertTrue(ExportTarget.ACCEPTED_FORMS.contains(form), form);
        }
    }

    @Test
    void shouldRefuseInconsistentTargetsBuiltInCode()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.JSON, Transport.UDP, "collector", 4739, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.IPFIX, Transport.STDOUT, null, 0, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.IPFIX, Transport.TCP, "collector", 0, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.IPFIX, Transport.UDP, "", 4739, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.JSON, Transport.FILE, null, 0, null));
        assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(Format.JSON, Transport.STDOUT, null, 0, Path.of("x")));
        assertThrows(NullPointerException.class,
            () -> new ExportTarget(null, Transport.STDOUT, null, 0, null));
    }
}
