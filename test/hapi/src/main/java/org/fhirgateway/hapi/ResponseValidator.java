package org.fhirgateway.hapi;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client interceptor that runs HAPI's instance validator over every FHIR response body the
 * generic client receives (success and error alike), and records each exchange for the report.
 * It buffers the entity first so the client can still parse it afterwards.
 */
final class ResponseValidator implements IClientInterceptor {
  /** One HTTP exchange and the validator's errors for its body. */
  record Exchange(String method, String url, int status, String contentType, List<Validation.Problem> errors) {}

  private final Validation validation;
  private final List<Exchange> exchanges = new ArrayList<>();
  private String lastMethod = "?";
  private String lastUrl = "?";

  ResponseValidator(Validation validation) {
    this.validation = validation;
  }

  List<Exchange> exchanges() {
    return exchanges;
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    // The client is synchronous: the next response answers this request.
    lastMethod = request.getHttpVerbName();
    lastUrl = request.getUri();
  }

  @Override
  public void interceptResponse(IHttpResponse response) throws IOException {
    response.bufferEntity();
    String contentType = response.getMimeType();
    record(lastMethod, lastUrl, response.getStatus(), contentType, body(response));
  }

  /** Records an exchange made outside the generic client (the JDK HttpClient checks). */
  void record(String method, String url, int status, String contentType, String body) {
    List<Validation.Problem> errors = List.of();
    if (isFhirJson(contentType) && body != null && !body.isBlank()) {
      errors = validation.errors(body);
    }
    exchanges.add(new Exchange(method, url, status, contentType == null ? "" : contentType, errors));
  }

  private static boolean isFhirJson(String contentType) {
    return contentType != null && (contentType.contains("fhir+json") || contentType.contains("application/json"));
  }

  private static String body(IHttpResponse response) throws IOException {
    try (InputStream in = response.readEntity()) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
