package io.spillway.exporter.ipfix;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of the IPFIX exporter; docs/ipfix.md describes each one and its default.
 *
 * @param mtu                        largest IP packet for UDP export, IP and UDP headers included.
 * @param templateRefreshSeconds     UDP only: templates are sent again this often (collectors that restarted, or
 *                                   lost the first datagrams, learn them back).
 * @param statisticsIntervalSeconds  how often the exporting process statistics record is sent; also sent at close.
 * @param observationDomainId        the Observation Domain ID of every message header.
 * @param enterpriseNumber           Private Enterprise Number of Spillway's own Information Elements.
 * @param tcpBufferBytes             TCP only: bytes of messages held while the collector is slow or away.
 * @param ignoredPackets             packets the probe could not process, reported as ignoredPacketTotalCount; read
 *                                   from the export thread, so it must be safe to call from there.
 * @param flows                      biflow records, or one uniflow record per direction.
 */
public record IpfixOptions(
    int mtu,
    int templateRefreshSeconds,
    int statisticsIntervalSeconds,
    long observationDomainId,
    long enterpriseNumber,
    int tcpBufferBytes,
    LongSupplier ignoredPackets,
    IpfixFlows flows)
{
    /** Fits the common 1500-byte Ethernet MTU with room for tunnels (VXLAN, GRE, IPsec) on the way. */
    public static final int DEFAULT_MTU = 1400;
    /** A restarted UDP collector decodes again within a minute; the template message is about 1.3 KB. */
    public static final int DEFAULT_TEMPLATE_REFRESH_SECONDS = 60;
    public static final int DEFAULT_STATISTICS_INTERVAL_SECONDS = 60;
    /** 1, not 0: RFC 7011 reserves 0 for messages that belong to no particular Observation Domain. */
    public static final long DEFAULT_OBSERVATION_DOMAIN_ID = 1;
    /** RFC 5612's documentation PEN: operators should set their own. */
    public static final long DOCUMENTATION_ENTERPRISE_NUMBER = 32473;
    /** A few seconds of a busy probe's records, or minutes of a quiet one's. */
    public static final int DEFAULT_TCP_BUFFER_BYTES = 8 * 1024 * 1024;
    /** Two full 64 KB messages: one being written, one waiting. */
    public static final int MIN_TCP_BUFFER_BYTES = 2 * (IpfixMessageWriter.MAX_MESSAGE_LENGTH + 4);
    public static final int MAX_MTU = 65535;
    private static final long MAX_UNSIGNED32 = 0xFFFF_FFFFL;

    /** The defaults, with no ignored packets to report. */
    public static final IpfixOptions DEFAULTS = new IpfixOptions(
        DEFAULT_MTU,
        DEFAULT_TEMPLATE_REFRESH_SECONDS,
        DEFAULT_STATISTICS_INTERVAL_SECONDS,
        DEFAULT_OBSERVATION_DOMAIN_ID,
        DOCUMENTATION_ENTERPRISE_NUMBER,
        DEFAULT_TCP_BUFFER_BYTES,
        () -> 0L,
        IpfixFlows.BI);

    /**
     * Checks each value; the MTU is checked against the largest record when a UDP exporter opens.
     *
     * @throws IllegalArgumentException naming the option and the accepted range.
     */
    public IpfixOptions
    {
        Objects.requireNonNull(ignoredPackets, "ignoredPackets");
        Objects.requireNonNull(flows, "flows");
        if (mtu < 1 || mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("IPFIX mtu " + mtu + " is not from 1 to " + MAX_MTU);
        }
        if (templateRefreshSeconds < 1)
        {
            throw new IllegalArgumentException(
                "IPFIX template refresh " + templateRefreshSeconds + " s is not a positive number of seconds");
        }
        if (statisticsIntervalSeconds < 1)
        {
            throw new IllegalArgumentException(
                "IPFIX statistics interval " + statisticsIntervalSeconds + " s is not a positive number of seconds");
        }
        if (observationDomainId < 0 || observationDomainId > MAX_UNSIGNED32)
        {
            throw new IllegalArgumentException(
                "IPFIX observation domain id " + observationDomainId + " is not from 0 to " + MAX_UNSIGNED32);
        }
        if (enterpriseNumber < 1 || enterpriseNumber > MAX_UNSIGNED32)
        {
            throw new IllegalArgumentException(
                "IPFIX enterprise number " + enterpriseNumber + " is not from 1 to " + MAX_UNSIGNED32);
        }
        if (tcpBufferBytes < MIN_TCP_BUFFER_BYTES)
        {
            throw new IllegalArgumentException(
                "IPFIX TCP buffer " + tcpBufferBytes + " bytes is below the minimum of " + MIN_TCP_BUFFER_BYTES);
        }
    }

    public IpfixOptions withMtu(final int mtu)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, observationDomainId,
            enterpriseNumber, tcpBufferBytes, ignoredPackets, flows);
    }

    public IpfixOptions withTemplateRefreshSeconds(final int seconds)
    {
        return new IpfixOptions(mtu, seconds, statisticsIntervalSeconds, observationDomainId,
            enterpriseNumber, tcpBufferBytes, ignoredPackets, flows);
    }

    public IpfixOptions withStatisticsIntervalSeconds(final int seconds)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, seconds, observationDomainId,
            enterpriseNumber, tcpBufferBytes, ignoredPackets, flows);
    }

    public IpfixOptions withObservationDomainId(final long id)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, id,
            enterpriseNumber, tcpBufferBytes, ignoredPackets, flows);
    }

    public IpfixOptions withEnterpriseNumber(final long number)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, observationDomainId,
            number, tcpBufferBytes, ignoredPackets, flows);
    }

    public IpfixOptions withTcpBufferBytes(final int bytes)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, observationDomainId,
            enterpriseNumber, bytes, ignoredPackets, flows);
    }

    public IpfixOptions withIgnoredPackets(final LongSupplier supplier)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, observationDomainId,
            enterpriseNumber, tcpBufferBytes, supplier, flows);
    }

    public IpfixOptions withFlows(final IpfixFlows flows)
    {
        return new IpfixOptions(mtu, templateRefreshSeconds, statisticsIntervalSeconds, observationDomainId,
            enterpriseNumber, tcpBufferBytes, ignoredPackets, flows);
    }
}
