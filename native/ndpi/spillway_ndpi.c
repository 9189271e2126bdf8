/*
 * JNI glue between io.spillway.dpi.NdpiNative and nDPI 4.2.
 *
 * Thin on purpose: every function maps to one or two nDPI calls. The Java side owns all memory
 * that outlives a call: the per-flow state (struct spillway_flow, in a pooled off-heap block) and
 * the result block below. Per-packet calls take and return primitives only: no Java object is
 * created here, no JNIEnv function is called, no string crosses the boundary.
 *
 * Threading: a detection module is used by one thread at a time (nDPI 4.2 keeps the packet being
 * dissected inside the module). Creating modules must not run in parallel either: the Java side
 * serialises open and close.
 */
#include <jni.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "io_spillway_dpi_NdpiNative.h"

#if !defined(NDPI_MAJOR) || NDPI_MAJOR != 4 || NDPI_MINOR != 2
/* 4.4 added an input_info argument to ndpi_detection_process_packet, later releases changed
   module creation and ndpi_protocol: this file follows the 4.2 API exactly. */
#error "spillway-ndpi is written against the nDPI 4.2 API: install libndpi-dev 4.2"
#endif

#define UNUSED __attribute__((unused))

/* The result block the Java side allocates; offsets are checked against NdpiNative's constants. */
struct spillway_result
{
    int32_t verdict;
    uint16_t master_protocol;
    uint16_t app_protocol;
    int32_t category;
    int32_t guessed;
    int32_t app_name_length;
    int32_t server_name_length;
    int32_t scratch_name_length;
    int32_t reserved;
    char app_name[io_spillway_dpi_NdpiNative_MAX_APP_NAME_LENGTH];
    char server_name[io_spillway_dpi_NdpiNative_MAX_SERVER_NAME_LENGTH];
    char scratch_name[io_spillway_dpi_NdpiNative_MAX_SCRATCH_NAME_LENGTH];
};

#define CHECK_OFFSET(field, constant) \
    _Static_assert(offsetof(struct spillway_result, field) == io_spillway_dpi_NdpiNative_##constant, #field)

CHECK_OFFSET(verdict, RESULT_VERDICT_OFFSET);
CHECK_OFFSET(master_protocol, RESULT_MASTER_PROTOCOL_OFFSET);
CHECK_OFFSET(app_protocol, RESULT_APP_PROTOCOL_OFFSET);
CHECK_OFFSET(category, RESULT_CATEGORY_OFFSET);
CHECK_OFFSET(guessed, RESULT_GUESSED_OFFSET);
CHECK_OFFSET(app_name_length, RESULT_APP_NAME_LENGTH_OFFSET);
CHECK_OFFSET(server_name_length, RESULT_SERVER_NAME_LENGTH_OFFSET);
CHECK_OFFSET(scratch_name_length, RESULT_SCRATCH_NAME_LENGTH_OFFSET);
CHECK_OFFSET(app_name, RESULT_APP_NAME_OFFSET);
CHECK_OFFSET(server_name, RESULT_SERVER_NAME_OFFSET);
CHECK_OFFSET(scratch_name, RESULT_SCRATCH_NAME_OFFSET);
_Static_assert(sizeof(struct spillway_result) <= io_spillway_dpi_NdpiNative_RESULT_LENGTH, "result block");
_Static_assert(sizeof(((struct ndpi_flow_struct *)0)->host_server_name) ==
    io_spillway_dpi_NdpiNative_MAX_SERVER_NAME_LENGTH, "host_server_name");

enum
{
    INSPECTING = io_spillway_dpi_NdpiNative_VERDICT_INSPECTING,
    DETECTED = io_spillway_dpi_NdpiNative_VERDICT_DETECTED,
    CLASSIFIED = io_spillway_dpi_NdpiNative_VERDICT_CLASSIFIED,
    GAVE_UP = io_spillway_dpi_NdpiNative_VERDICT_GAVE_UP
};

/*
 * The per-flow state: nDPI's flow, then the final answer once there is one. Keeping it makes a
 * final verdict stable: nDPI would otherwise re-dissect later packets, and a second give-up would
 * report its own earlier guess as a detection.
 */
struct spillway_flow
{
    struct ndpi_flow_struct ndpi;
    ndpi_protocol final_protocol;
    int32_t final_verdict; /* INSPECTING until CLASSIFIED or GAVE_UP */
    int32_t final_guessed;
};

_Static_assert(offsetof(struct spillway_flow, final_protocol) == sizeof(struct ndpi_flow_struct), "flow trailer");
_Static_assert(sizeof(struct spillway_flow) % 8 == 0, "flow state keeps 8-byte alignment in arrays");

/* What a Java handle points to: one detection module and where its results go. */
struct glue
{
    struct ndpi_detection_module_struct *ndpi;
    struct spillway_result *result;
};

/*
 * nDPI's heap, counted: everything nDPI allocates goes through ndpi_malloc and ndpi_free, which call
 * these once set_ndpi_malloc/set_ndpi_free installed them (at load, before any module exists). The
 * count is malloc_usable_size, so a block nDPI allocated otherwise and freed here only skews the
 * count, never the heap. Relaxed atomics: modules on several worker threads allocate at once.
 */
static _Atomic int64_t heap_bytes;
static _Atomic int64_t heap_peak_bytes;

static void *counting_malloc(size_t size)
{
    void *block = malloc(size);
    if (block != NULL)
    {
        const int64_t usable = (int64_t)malloc_usable_size(block);
        const int64_t live = atomic_fetch_add_explicit(&heap_bytes, usable, memory_order_relaxed) + usable;
        int64_t peak = atomic_load_explicit(&heap_peak_bytes, memory_order_relaxed);
        while (live > peak && !atomic_compare_exchange_weak_explicit(
            &heap_peak_bytes, &peak, live, memory_order_relaxed, memory_order_relaxed))
        {
        }
    }
    return block;
}

static void counting_free(void *block)
{
    if (block != NULL)
    {
        atomic_fetch_sub_explicit(&heap_bytes, (int64_t)malloc_usable_size(block), memory_order_relaxed);
        free(block);
    }
}

JNIEXPORT jint JNICALL JNI_OnLoad(UNUSED JavaVM *vm, UNUSED void *reserved)
{
    set_ndpi_malloc(counting_malloc);
    set_ndpi_free(counting_free);
    return JNI_VERSION_1_8;
}

JNIEXPORT jlong JNICALL Java_io_spillway_dpi_NdpiNative_heapBytes(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return atomic_load_explicit(&heap_bytes, memory_order_relaxed);
}

JNIEXPORT jlong JNICALL Java_io_spillway_dpi_NdpiNative_heapPeakBytes(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return atomic_load_explicit(&heap_peak_bytes, memory_order_relaxed);
}

JNIEXPORT void JNICALL Java_io_spillway_dpi_NdpiNative_resetHeapPeak(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    atomic_store_explicit(&heap_peak_bytes, atomic_load_explicit(&heap_bytes, memory_order_relaxed),
        memory_order_relaxed);
}

static inline struct glue *glue_of(jlong handle)
{
    return (struct glue *)(intptr_t)handle;
}

static inline struct spillway_flow *flow_at(jlong address)
{
    return (struct spillway_flow *)(intptr_t)address;
}

/*
 * Copies at most capacity bytes of a NUL-terminated string, replacing anything outside printable
 * ASCII: server names come from the wire and flow records carry ASCII.
 */
static int32_t copy_ascii(char *dst, const char *src, size_t capacity)
{
    const size_t length = strnlen(src, capacity);
    for (size_t i = 0; i < length; i++)
    {
        const unsigned char c = (unsigned char)src[i];
        dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    return (int32_t)length;
}

/*
 * Writes the result block and remembers a final answer in the flow. Names are filled only past
 * INSPECTING, so the packets of a flow still unknown cost no string work.
 */
static jint report(struct glue *g, struct spillway_flow *flow, ndpi_protocol proto, int32_t verdict, int32_t guessed)
{
    struct spillway_result *r = g->result;
    if (verdict == CLASSIFIED || verdict == GAVE_UP)
    {
        flow->final_protocol = proto;
        flow->final_verdict = verdict;
        flow->final_guessed = guessed;
    }
    r->verdict = verdict;
    r->master_protocol = proto.master_protocol;
    r->app_protocol = proto.app_protocol;
    r->category = (int32_t)proto.category;
    r->guessed = guessed;
    if (verdict == INSPECTING)
    {
        r->app_name_length = 0;
        r->server_name_length = 0;
        return verdict;
    }

    /* ndpi_protocol2name writes "MASTER.APP" (or one name) and always terminates within the buffer. */
    ndpi_protocol2name(g->ndpi, proto, r->app_name, sizeof(r->app_name));
    r->app_name_length = (int32_t)strnlen(r->app_name, sizeof(r->app_name));

    /* 4.2 keeps one server name per flow: TLS/QUIC SNI, HTTP Host, DNS query, DHCP/NetBIOS name. */
    const char *server_name = flow->ndpi.host_server_name;
    r->server_name_length = copy_ascii(r->server_name, server_name, sizeof(flow->ndpi.host_server_name));
    return verdict;
}

/* A flow already final answers the same again, without asking nDPI. */
static inline jint report_final(struct glue *g, struct spillway_flow *flow)
{
    return report(g, flow, flow->final_protocol, flow->final_verdict, flow->final_guessed);
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_revision(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong address, jint capacity)
{
    const char *revision = ndpi_revision();
    if (revision == NULL || capacity <= 0)
    {
        return 0;
    }
    return copy_ascii((char *)(intptr_t)address, revision, (size_t)capacity);
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_apiVersion(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return ndpi_get_api_version();
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_compiledApiVersion(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return NDPI_API_VERSION;
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_ndpiFlowSize(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return (jint)ndpi_detection_get_sizeof_ndpi_flow_struct();
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_compiledNdpiFlowSize(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return (jint)sizeof(struct ndpi_flow_struct);
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_flowStateSize(UNUSED JNIEnv *env, UNUSED jclass cls)
{
    return (jint)sizeof(struct spillway_flow);
}

JNIEXPORT jlong JNICALL Java_io_spillway_dpi_NdpiNative_open(UNUSED JNIEnv *env, UNUSED jclass cls, jlong result)
{
    struct glue *g = calloc(1, sizeof(*g));
    if (g == NULL)
    {
        return 0;
    }

    /* ndpi_no_prefs: the same module ndpiReader builds by default (Tor host list, libgcrypt for QUIC). */
    g->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (g->ndpi == NULL)
    {
        free(g);
        return 0;
    }

    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(g->ndpi, &all);

    /* Builds the host and content automata: without it no host-based sub-protocol (TLS.YouTube) matches. */
    ndpi_finalize_initialization(g->ndpi);

    g->result = (struct spillway_result *)(intptr_t)result;
    return (jlong)(intptr_t)g;
}

JNIEXPORT void JNICALL Java_io_spillway_dpi_NdpiNative_close(UNUSED JNIEnv *env, UNUSED jclass cls, jlong handle)
{
    struct glue *g = glue_of(handle);
    ndpi_exit_detection_module(g->ndpi);
    free(g);
}

JNIEXPORT void JNICALL Java_io_spillway_dpi_NdpiNative_startFlow(UNUSED JNIEnv *env, UNUSED jclass cls, jlong flow)
{
    /* nDPI expects a zeroed flow: it has no init function and treats zero as "nothing seen yet". */
    memset(flow_at(flow), 0, sizeof(struct spillway_flow));
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_processPacket(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong handle, jlong flow_address, jlong packet, jint length, jlong time_ms)
{
    struct glue *g = glue_of(handle);
    struct spillway_flow *flow = flow_at(flow_address);
    if (flow->final_verdict != INSPECTING)
    {
        return report_final(g, flow);
    }

    /* 4.2 signature: (module, flow, IP-layer bytes, length as unsigned short, time in ms). */
    ndpi_protocol proto = ndpi_detection_process_packet(
        g->ndpi, &flow->ndpi, (const unsigned char *)(intptr_t)packet, (unsigned short)length, (u_int64_t)time_ms);

    /* fail_with_unknown: a dissector decided no protocol can ever match this flow. */
    if (proto.app_protocol == NDPI_PROTOCOL_UNKNOWN)
    {
        if (!flow->ndpi.fail_with_unknown)
        {
            return report(g, flow, proto, INSPECTING, 0);
        }
        u_int8_t guessed = 0;
        proto = ndpi_detection_giveup(g->ndpi, &flow->ndpi, 1, &guessed);
        return report(g, flow, proto, GAVE_UP, guessed);
    }

    /* Known application: keep dissecting only while nDPI says more metadata can come (ndpiReader's rule). */
    const int more = !flow->ndpi.fail_with_unknown && ndpi_extra_dissection_possible(g->ndpi, &flow->ndpi);
    return report(g, flow, proto, more ? DETECTED : CLASSIFIED, 0);
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_giveUp(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong handle, jlong flow_address)
{
    struct glue *g = glue_of(handle);
    struct spillway_flow *flow = flow_at(flow_address);
    if (flow->final_verdict != INSPECTING)
    {
        return report_final(g, flow);
    }

    if (flow->ndpi.detected_protocol_stack[0] != NDPI_PROTOCOL_UNKNOWN)
    {
        /* Detected already and only extra dissection was cut short: keep the detection, as ndpiReader does. */
        ndpi_protocol proto;
        proto.app_protocol = flow->ndpi.detected_protocol_stack[0];
        proto.master_protocol = flow->ndpi.detected_protocol_stack[1];
        proto.category = flow->ndpi.category;
        return report(g, flow, proto, CLASSIFIED, 0);
    }

    /* enable_guess = 1: fall back to port and address guesses; guessed tells which answer it is. */
    u_int8_t guessed = 0;
    const ndpi_protocol proto = ndpi_detection_giveup(g->ndpi, &flow->ndpi, 1, &guessed);
    return report(g, flow, proto, GAVE_UP, guessed);
}

JNIEXPORT void JNICALL Java_io_spillway_dpi_NdpiNative_endFlow(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong flow_address)
{
    struct spillway_flow *flow = flow_at(flow_address);

    /* Frees what dissectors allocated (HTTP URL and agent, TLS names, Kerberos buffer, TCP reassembly)
       but not the struct: its memory belongs to the Java pool. Zeroing makes a second call harmless. */
    ndpi_free_flow_data(&flow->ndpi);
    memset(flow, 0, sizeof(*flow));
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_protocolName(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong handle, jint master, jint app)
{
    struct glue *g = glue_of(handle);
    struct spillway_result *r = g->result;
    ndpi_protocol proto;
    proto.master_protocol = (u_int16_t)master;
    proto.app_protocol = (u_int16_t)app;
    proto.category = NDPI_PROTOCOL_CATEGORY_UNSPECIFIED;

    /* Ids nDPI does not know come back as "Unknown". */
    ndpi_protocol2name(g->ndpi, proto, r->scratch_name, sizeof(r->scratch_name));
    r->scratch_name_length = (int32_t)strnlen(r->scratch_name, sizeof(r->scratch_name));
    return r->scratch_name_length;
}

JNIEXPORT jint JNICALL Java_io_spillway_dpi_NdpiNative_categoryName(
    UNUSED JNIEnv *env, UNUSED jclass cls, jlong handle, jint category)
{
    struct glue *g = glue_of(handle);
    struct spillway_result *r = g->result;
    r->scratch_name_length = 0;

    /* Out-of-range ids would make 4.2 format into a static buffer shared by all threads: refuse them here. */
    if (category >= 0 && category < NDPI_PROTOCOL_NUM_CATEGORIES)
    {
        const char *name = ndpi_category_get_name(g->ndpi, (ndpi_protocol_category_t)category);
        if (name != NULL)
        {
            r->scratch_name_length = copy_ascii(r->scratch_name, name, sizeof(r->scratch_name));
        }
    }
    return r->scratch_name_length;
}
