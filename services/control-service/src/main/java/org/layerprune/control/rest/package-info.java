/** The REST API: submit experiments, read their views, curves and heat maps, follow their events as they happen. */
package org.layerprune.control.rest;
