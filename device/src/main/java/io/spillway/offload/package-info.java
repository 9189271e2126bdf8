/**
 * Hardware flow offload: the {@link io.spillway.offload.FlowOffload} SPI every backend implements, and its
 * request, key, event and capability types.
 * <p>
 * The probe's OffloadAgent thread fills a {@link io.spillway.offload.LearnRequest} for each classified flow,
 * calls {@link io.spillway.offload.FlowOffload#learn}, and polls events with an
 * {@link io.spillway.offload.OffloadEventHandler}, routing each to the worker that owns its flowId. The contract
 * (threads, exactly-once events, counters, shutdown) is on {@link io.spillway.offload.FlowOffload}; the backends
 * are in sub-packages ({@code emulated}: a software model of the Napatech NT200A02 flow manager). See
 * {@code docs/offload.md}.
 */
package io.spillway.offload;
