/** Process-wide settings of the native side (libtorch and the C allocator) that must be made before work starts. */
package org.layerprune.core.runtime;
