/** The default run: an embedded Kafka broker and the four stage services in one JVM, and the pruning curve. */
package org.layerprune.allinone;
