/** Files and directories named by events: paths relative to a configured artifact root that cannot leave it. */
package org.layerprune.contracts.artifact;
