package io.spillway.capture.afpacket;

/** What became of the interface an {@link AfPacketSocket} captures on. */
public enum LinkState
{
    /** Up with carrier: frames are delivered. */
    OK,
    /**
     * Administratively down, or up without carrier (a veth whose peer is down, an unplugged cable, a tun device no
     * process holds). Nothing arrives now; the socket stays bound and delivery resumes by itself when the link
     * comes back.
     */
    DOWN,
    /** The interface was deleted or moved to another network namespace: nothing can ever arrive again. */
    REMOVED
}
