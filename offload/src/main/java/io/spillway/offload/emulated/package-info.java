/**
 * The {@code emulated} offload backend: {@link io.spillway.offload.emulated.EmulatedSmartNic}, a software model of
 * the Napatech NT200A02 flow manager (cuckoo flow table, learning rate degrading above 90% fill, per-rule
 * programming cost, receive buffer delay, hardware counters and expiry events, bounded host rings, fault
 * injection), configured by {@link io.spillway.offload.emulated.EmulatedNicConfig}.
 * <p>
 * The probe drives its receive side from the capture thread with already-parsed keys
 * ({@link io.spillway.offload.emulated.EmulatedSmartNic#receive}); each worker reads its queue's
 * {@link io.spillway.offload.emulated.HostRing}; the OffloadAgent uses it as any
 * {@link io.spillway.offload.FlowOffload}. See {@code docs/offload.md}.
 */
package io.spillway.offload.emulated;
