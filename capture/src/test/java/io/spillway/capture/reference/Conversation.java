package io.spillway.capture.reference;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A TCP or UDP conversation as tshark keys it: protocol and the two endpoints, unordered. Addresses
 * are normalised through InetAddress so tshark's and Java's IPv6 spellings compare equal.
 */
public record Conversation(int protocol, String endpointA, String endpointB)
{
    public static Conversation of(
        final int protocol, final String address1, final int port1, final String address2, final int port2)
    {
        final String a = normalise(address1) + "/" + port1;
        final String b = normalise(address2) + "/" + port2;
        return a.compareTo(b) <= 0 ? new Conversation(protocol, a, b) : new Conversation(protocol, b, a);
    }

    private static String normalise(final String address)
    {
        try
        {
            // A numeric literal: no name lookup happens.
            return InetAddress.getByName(address).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an address: " + address, ex);
        }
    }

    @Override
    public String toString()
    {
        return (protocol == 6 ? "tcp " : protocol == 17 ? "udp " : protocol + " ") + endpointA + " <-> " + endpointB;
    }
}
