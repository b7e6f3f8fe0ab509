/** The defaults a new experiment starts from: what the dashboard's form and the CLI's submit fill in. */
package org.layerprune.control.template;
