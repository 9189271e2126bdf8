package io.spillway.testbed.generator;

/**
 * The protocol a flow opens with when the payload is {@link PayloadKind#REALISTIC}. A TCP flow is TLS (three
 * in four, half of them TLS 1.3 hellos) or HTTP; a UDP flow is QUIC or DNS, one in two each. The server port
 * is the protocol's own, the client port an ephemeral one (49152 and up). The packets after the opening carry
 * random payload, except for DNS.
 */
public enum Opening
{
    /** An HTTP/1.1 GET with a Host header, to port 80. */
    HTTP(false, 80, false),
    /** A TLS 1.2 or 1.3 ClientHello with SNI, to port 443. */
    TLS(false, 443, false),
    /**
     * A DNS query for the name, to port 53, in every packet of the flow (a resolver's retries): nDPI keeps
     * dissecting a DNS flow after the query, and random datagrams on port 53 would overwrite the name it read.
     */
    DNS(true, 53, true),
    /** A QUIC v1 Initial carrying a ClientHello with SNI, to port 443. */
    QUIC(true, 443, false);

    final boolean udp;
    final int serverPort;
    /** Whether every packet of the flow carries the opening, not just the first. */
    final boolean repeats;

    Opening(final boolean udp, final int serverPort, final boolean repeats)
    {
        this.udp = udp;
        this.serverPort = serverPort;
        this.repeats = repeats;
    }

    /** The opening of a flow of this transport, from random bits of the flow. */
    static Opening of(final boolean udp, final long bits)
    {
        if (udp)
        {
            return (bits & 1) == 0 ? DNS : QUIC;
        }
        return (bits & 3) == 0 ? HTTP : TLS;
    }
}
