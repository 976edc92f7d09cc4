package org.fhirgateway.hapi;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Entry point. Two modes, each printing one JSON document on stdout (logs go to stderr):
 *
 *   interactions BASE_URL [TOKEN]   the HAPI generic client (strict parser) and the JDK HttpClient
 *                                   through the main interactions; every response validated.
 *                                   Output: {steps: [...], exchanges: [...]}.
 *   validate DIR                    HAPI's validator over every *.json under DIR (the oracle for
 *                                   the conformance corpus). Output: {results: [{file, errors}]}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: interactions BASE_URL [TOKEN] | validate DIR");
      System.exit(2);
    }
    FhirContext context = FhirContext.forR4();
    // A real user's strictest setting: unknown elements, bad values and bad enum codes throw.
    context.setParserErrorHandler(new StrictErrorHandler());
    Validation validation = new Validation(context);
    Map<String, Object> report = new LinkedHashMap<>();
    switch (args[0]) {
      case "interactions" -> {
        String base = args[1].replaceAll("/+$", "");
        String token = args.length > 2 ? args[2] : System.getenv("FHIR_TOKEN");
        ResponseValidator validator = new ResponseValidator(validation);
        Steps steps = new Steps();
        new JdkHttpChecks(context, base, token, validator, steps).runAll();
        new Interactions(context, base, token, validator, steps).runAll();
        report.put("steps", steps.all());
        report.put("exchanges", validator.exchanges());
      }
      case "validate" -> report.put("results", validateAll(validation, Path.of(args[1])));
      default -> {
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
      }
    }
    System.out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
  }

  private static List<Map<String, Object>> validateAll(Validation validation, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (Path file : files) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", dir.relativize(file).toString());
      result.put("errors", validation.errors(Files.readString(file)));
      results.add(result);
    }
    return results;
  }
}
