package org.fhirgateway.hapi;

import java.util.ArrayList;
import java.util.List;

/** The named checks of one run: each passes, or fails with the reason (never stops the run). */
final class Steps {
  /** One check's outcome. */
  record Step(String name, boolean ok, String detail) {}

  /** A check body: returns a short detail on success, throws (or fails) otherwise. */
  interface Body {
    String run() throws Exception;
  }

  private final List<Step> steps = new ArrayList<>();

  List<Step> all() {
    return steps;
  }

  void run(String name, Body body) {
    try {
      steps.add(new Step(name, true, String.valueOf(body.run())));
    } catch (Throwable error) {
      steps.add(new Step(name, false, error.getClass().getSimpleName() + ": " + error.getMessage()));
    }
  }

  static void check(boolean condition, String message) {
    if (!condition) throw new AssertionError(message);
  }
}
