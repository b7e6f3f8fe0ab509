package org.layerprune.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A pipeline command about one experiment: which control service ({@code --url}) and which experiment (ID). */
abstract class ExperimentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ControlOptions control;

    @Parameters(index = "0", paramLabel = "ID", description = "The experiment.")
    String id;

    /** The experiment's resource {@code /experiments/ID} followed by {@code sub}, e.g. {@code /curve}. */
    String path(String sub) {
        return "/experiments/" + id + sub;
    }
}
