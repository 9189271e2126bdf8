/**
 * Application classification for the probe's workers: the {@link io.spillway.dpi.Classifier} SPI and
 * its nDPI 4.2 binding.
 * <p>
 * Start with {@link io.spillway.dpi.Dpi#load()} (a {@link io.spillway.dpi.DpiUnavailableException}
 * means: print it, run without DPI), then give each worker thread its own
 * {@link io.spillway.dpi.Dpi#newClassifier() classifier} and a {@link io.spillway.dpi.DpiStatePool}
 * sized for the flows it may inspect at once. A flow holds a pool block only while it is inspected:
 * until its {@link io.spillway.dpi.Verdict verdict} is final or its packet budget
 * ({@link io.spillway.dpi.Dpi#defaultMaxPackets ndpiReader's defaults}) is spent.
 * <p>
 * The binding is JNI (the library {@code libspillway-ndpi.so} is built from {@code native/ndpi} and
 * carried in this jar); the JVM needs {@code --enable-native-access=ALL-UNNAMED} to load it without a
 * warning, and Agrona's {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} like the rest of
 * Spillway.
 */
package io.spillway.dpi;
