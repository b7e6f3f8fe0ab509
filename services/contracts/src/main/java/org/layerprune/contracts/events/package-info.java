/**
 * The pipeline's events as records, one per schema in {@code schemas/}, with the value types they share. The schema
 * is the whole contract; the records check what a producer's slip could break unseen (missing fields, ids that
 * disagree, matrix shapes), so that a bad event fails where it is made.
 */
package org.layerprune.contracts.events;
