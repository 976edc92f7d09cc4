package org.fhirgateway.hapi;

import static org.fhirgateway.hapi.Steps.check;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;

/**
 * Java's built-in HttpClient with its defaults, as a Java user would create it: version HTTP_2,
 * which sends `Connection: Upgrade, HTTP2-Settings` and `Upgrade: h2c` on plain http:// requests
 * without a body (issue 9, defect 1: the server must answer them over HTTP/1.1, RFC 9110 §7.8
 * lets it ignore the upgrade). The only addition is a request timeout, so a hang is a failure
 * instead of a stuck run. Bodies go through HAPI's strict parser and the validator.
 */
final class JdkHttpChecks {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newHttpClient();
  private final IParser parser;
  private final String base;
  private final String token;
  private final ResponseValidator validator;
  private final Steps steps;

  JdkHttpChecks(FhirContext context, String base, String token, ResponseValidator validator, Steps steps) {
    this.parser = context.newJsonParser();
    this.base = base;
    this.token = token;
    this.validator = validator;
    this.steps = steps;
  }

  private String get(String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .header("Accept", "application/fhir+json").GET();
    if (token != null && !token.isEmpty()) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String contentType = response.headers().firstValue("content-type").orElse("");
    validator.record("GET", base + path, response.statusCode(), contentType, response.body());
    check(response.statusCode() == 200, "status " + response.statusCode() + " for " + path);
    check(response.version() == HttpClient.Version.HTTP_1_1, "protocol " + response.version());
    return response.body();
  }

  void runAll() {
    check(http.version() == HttpClient.Version.HTTP_2, "the JDK default changed: " + http.version());
    steps.run("JDK HttpClient defaults (Upgrade: h2c): metadata", () -> {
      CapabilityStatement statement = parser.parseResource(CapabilityStatement.class, get("/metadata"));
      return statement.getFhirVersion().toCode();
    });
    steps.run("JDK HttpClient defaults (Upgrade: h2c): search", () -> {
      Bundle bundle = parser.parseResource(Bundle.class, get("/Patient?_count=1"));
      return bundle.getType().toCode();
    });
    steps.run("JDK HttpClient defaults (Upgrade: h2c): read of a missing Patient is 404", () -> {
      try {
        parser.parseResource(Patient.class, get("/Patient/not-here"));
        throw new AssertionError("read of a missing Patient succeeded");
      } catch (AssertionError expected) {
        check(expected.getMessage().startsWith("status 404"), expected.getMessage());
        return "404";
      }
    });
  }
}
