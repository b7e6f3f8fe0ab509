package org.layerprune.allinone;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.annotations.CommandLineArguments;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.control.template.ExperimentTemplate;

/**
 * The all-in-one's experiment template: its default experiment (the model and data of the command line, installed
 * under the artifact root, every block size, short heals), so that the dashboard's form and the CLI's submit start
 * from a request this run can carry out, not from the paper's Llama-2-7B settings. {@link DefaultRun} submits the
 * same request.
 */
@ApplicationScoped
public class DefaultExperimentTemplate implements ExperimentTemplate {

    private final String[] args;
    private final Path artifactRoot;
    private Default made;

    /** The run's inputs and its request. */
    record Default(RunInputs inputs, ExperimentRequested request) {
    }

    public DefaultExperimentTemplate(@CommandLineArguments String[] args,
            @ConfigProperty(name = "layerprune.artifact-root") Path artifactRoot) {
        this.args = args;
        this.artifactRoot = artifactRoot;
    }

    /**
     * The default experiment of this run, made once: the model and data are copied under the root the first time
     * (whoever asks first, the run or a browser), so that both ask for the same refs.
     *
     * @throws RunOptions.UsageException when the command line names no model or data and there are no fixtures
     * @throws IllegalArgumentException when the model or data cannot be used
     */
    synchronized Default experiment() {
        if (made == null) {
            RunOptions options = RunOptions.parse(args);
            RunInputs inputs = RunInputs.install(artifactRoot, options.modelDir(), options.dataDir());
            made = new Default(inputs, DefaultExperiment.request(inputs, options.steps()));
        }
        return made;
    }

    @Override
    public ObjectNode body() {
        ObjectNode body = EventJson.mapper().valueToTree(experiment().request());
        body.remove("experimentId"); // the server assigns both to every submission
        body.remove("time");
        return body;
    }
}
