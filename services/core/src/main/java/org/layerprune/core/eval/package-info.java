/** Evaluation as the paper reports it: validation loss over log V, MMLU k-shot and BoolQ 0-shot, scored as lm-eval-harness does. */
package org.layerprune.core.eval;
