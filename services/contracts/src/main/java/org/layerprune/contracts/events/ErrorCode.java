package org.layerprune.contracts.events;

/** Why a stage failed, coarse enough to count and alert on; the message says the rest. */
public enum ErrorCode {
    /** A setting cannot work for this input, e.g. a block size of at least L. */
    BAD_INPUT,
    /** A ref names nothing. */
    NOT_FOUND,
    /** A ref leads out of the artifact root. */
    OUTSIDE_ARTIFACT_ROOT,
    /** A checkpoint is malformed or disagrees with its manifest. */
    CHECKPOINT_INVALID,
    /** An architecture or dtype core cannot run. */
    UNSUPPORTED_MODEL,
    /** Calibration, training or evaluation data is malformed. */
    DATA_INVALID,
    /** A Hugging Face model could not be fetched. */
    DOWNLOAD_FAILED,
    /** Host or device memory ran out. */
    OUT_OF_MEMORY,
    /** No accelerator could be used. */
    DEVICE_UNAVAILABLE,
    /** Anything else: a bug. */
    INTERNAL
}
