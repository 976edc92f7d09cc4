package org.fhirgateway.hapi;

import static org.fhirgateway.hapi.Steps.check;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The main REST interactions (http.html) driven through the HAPI generic client, the way a
 * Java user would call them, against a running server. Each is a named step; the
 * ResponseValidator registered on the client validates every response body on the way.
 */
final class Interactions {
  private final IGenericClient client;
  private final Steps steps;
  /** Unique per run so reruns against one server do not collide on identifiers. */
  private final String run = Long.toString(System.nanoTime(), 36);

  Interactions(FhirContext context, String base, String token, ResponseValidator validator, Steps steps) {
    this.client = context.newRestfulGenericClient(base);
    if (token != null && !token.isEmpty()) client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    client.registerInterceptor(validator);
    this.steps = steps;
  }

  private Patient patient(String family) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("urn:fhir-gateway:hapi").setValue(run + "-" + family);
    patient.addName().setFamily(family).addGiven("Ada");
    patient.setGender(AdministrativeGender.FEMALE);
    return patient;
  }

  void runAll() {
    steps.run("metadata", () -> {
      CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
      check("4.0.1".equals(statement.getFhirVersion().toCode()), "fhirVersion " + statement.getFhirVersion());
      return statement.getRest().get(0).getResource().size() + " resource types";
    });

    String[] id = new String[1];
    steps.run("create", () -> {
      MethodOutcome outcome = client.create().resource(patient("Lovelace")).execute();
      check(Boolean.TRUE.equals(outcome.getCreated()), "created flag");
      id[0] = outcome.getId().getIdPart();
      check("1".equals(outcome.getId().getVersionIdPart()), "version " + outcome.getId());
      return outcome.getId().getValue();
    });
    steps.run("read", () -> {
      Patient read = client.read().resource(Patient.class).withId(id[0]).execute();
      check("Lovelace".equals(read.getNameFirstRep().getFamily()), "family");
      return read.getIdElement().getValue();
    });
    steps.run("update", () -> {
      Patient changed = patient("Lovelace");
      changed.setId(id[0]);
      changed.setGender(AdministrativeGender.OTHER);
      MethodOutcome outcome = client.update().resource(changed).execute();
      check("2".equals(outcome.getId().getVersionIdPart()), "version " + outcome.getId());
      return outcome.getId().getValue();
    });
    steps.run("vread", () -> {
      Patient first = client.read().resource(Patient.class).withIdAndVersion(id[0], "1").execute();
      check(first.getGender() == AdministrativeGender.FEMALE, "version 1 gender " + first.getGender());
      return first.getIdElement().getValue();
    });
    steps.run("patch (JSON Patch)", () -> {
      String patch = "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]";
      client.patch().withBody(patch).withId("Patient/" + id[0]).execute();
      Patient read = client.read().resource(Patient.class).withId(id[0]).execute();
      check(read.getGender() == AdministrativeGender.MALE, "gender " + read.getGender());
      return read.getMeta().getVersionId();
    });
    steps.run("patch (FHIRPath Patch: add to an absent repeating element)", () -> {
      // fhirpatch.html: `add` creates the list when the element is absent (issue 9, defect 9).
      Parameters patch = new Parameters();
      Parameters.ParametersParameterComponent op = patch.addParameter().setName("operation");
      op.addPart().setName("type").setValue(new CodeType("add"));
      op.addPart().setName("path").setValue(new StringType("Patient"));
      op.addPart().setName("name").setValue(new StringType("telecom"));
      op.addPart().setName("value").setValue(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555-0100"));
      client.patch().withFhirPatch(patch).withId("Patient/" + id[0]).execute();
      Patient read = client.read().resource(Patient.class).withId(id[0]).execute();
      check(read.getTelecom().size() == 1, "telecom " + read.getTelecom().size());
      return read.getMeta().getVersionId();
    });
    steps.run("conditional create (If-None-Exist, as the HAPI client sends it)", () -> {
      // HAPI sends If-None-Exist as [base]/Patient?identifier=... (issue 9, defect 4).
      Patient again = patient("Lovelace");
      MethodOutcome outcome = client.create().resource(again).conditional()
          .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:fhir-gateway:hapi", run + "-Lovelace")).execute();
      check(!Boolean.TRUE.equals(outcome.getCreated()), "a second Patient was created");
      check(id[0].equals(outcome.getId().getIdPart()), "matched " + outcome.getId());
      return outcome.getId().getValue();
    });
    steps.run("search with paging", () -> {
      for (int i = 0; i < 5; i++) client.create().resource(patient("Paged" + i).addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Paging" + run))).execute();
      Bundle page = client.search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value("Paging" + run))
          .count(2).returnBundle(Bundle.class).execute();
      Set<String> seen = new HashSet<>();
      int pages = 0;
      while (page != null) {
        pages++;
        check(page.getType() == Bundle.BundleType.SEARCHSET, "bundle type " + page.getType());
        for (Bundle.BundleEntryComponent entry : page.getEntry()) seen.add(entry.getResource().getIdElement().getIdPart());
        page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
        check(pages < 10, "more than 10 pages");
      }
      check(seen.size() == 5, "saw " + seen.size() + " distinct patients");
      check(pages == 3, "pages " + pages);
      return pages + " pages";
    });
    steps.run("history (instance and type)", () -> {
      String current = client.read().resource(Patient.class).withId(id[0]).execute().getMeta().getVersionId();
      Bundle instance = client.history().onInstance(new IdType("Patient", id[0])).returnBundle(Bundle.class).execute();
      check(instance.getType() == Bundle.BundleType.HISTORY, "type " + instance.getType());
      check(String.valueOf(instance.getEntry().size()).equals(current), "instance history entries " + instance.getEntry().size() + " for version " + current);
      check(current.equals(instance.getEntryFirstRep().getResource().getMeta().getVersionId()), "newest first");
      Bundle type = client.history().onType(Patient.class).returnBundle(Bundle.class).count(3).execute();
      check(type.getEntry().size() == 3, "type history entries " + type.getEntry().size());
      return instance.getEntry().size() + " versions";
    });
    steps.run("batch", () -> {
      Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
      batch.addEntry().setResource(patient("Batch")).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + id[0]);
      batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/does-not-exist-" + run);
      Bundle response = client.transaction().withBundle(batch).execute();
      check(response.getType() == Bundle.BundleType.BATCHRESPONSE, "type " + response.getType());
      check(response.getEntry().get(0).getResponse().getStatus().startsWith("201"), "entry 0 " + response.getEntry().get(0).getResponse().getStatus());
      check(response.getEntry().get(1).getResponse().getStatus().startsWith("200"), "entry 1 " + response.getEntry().get(1).getResponse().getStatus());
      check(response.getEntry().get(2).getResponse().getStatus().startsWith("404"), "entry 2 " + response.getEntry().get(2).getResponse().getStatus());
      return response.getEntry().size() + " entries";
    });
    steps.run("transaction (urn:uuid references)", () -> {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      String subject = "urn:uuid:" + java.util.UUID.randomUUID();
      transaction.addEntry().setFullUrl(subject).setResource(patient("Transaction"))
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
      Observation observation = new Observation();
      observation.setStatus(Observation.ObservationStatus.FINAL);
      observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8302-2").setDisplay("Body height");
      observation.setSubject(new Reference(subject));
      transaction.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(observation)
          .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
      Bundle response = client.transaction().withBundle(transaction).execute();
      check(response.getType() == Bundle.BundleType.TRANSACTIONRESPONSE, "type " + response.getType());
      IdType patientId = new IdType(response.getEntry().get(0).getResponse().getLocation());
      IdType observationId = new IdType(response.getEntry().get(1).getResponse().getLocation());
      Observation stored = client.read().resource(Observation.class).withId(observationId.getIdPart()).execute();
      String reference = stored.getSubject().getReference();
      check(("Patient/" + patientId.getIdPart()).equals(reference), "subject " + reference);
      return reference;
    });
    steps.run("$validate", () -> {
      MethodOutcome outcome = client.validate().resource(patient("Valid")).execute();
      OperationOutcome result = (OperationOutcome) outcome.getOperationOutcome();
      for (OperationOutcome.OperationOutcomeIssueComponent issue : result.getIssue()) {
        check(issue.getSeverity() != OperationOutcome.IssueSeverity.ERROR && issue.getSeverity() != OperationOutcome.IssueSeverity.FATAL,
            "error on a valid Patient: " + issue.getDiagnostics());
      }
      return result.getIssue().size() + " issues";
    });
    steps.run("Binary (create and read)", () -> {
      Binary binary = new Binary();
      binary.setContentType("text/plain");
      binary.setData(("hello from HAPI " + run).getBytes(StandardCharsets.UTF_8));
      MethodOutcome outcome = client.create().resource(binary).execute();
      Binary read = client.read().resource(Binary.class).withId(outcome.getId().getIdPart()).execute();
      check(("hello from HAPI " + run).equals(new String(read.getData(), StandardCharsets.UTF_8)), "bytes differ");
      check(read.getContentType().startsWith("text/plain"), "contentType " + read.getContentType());
      return read.getData().length + " bytes";
    });
    steps.run("delete, then read is 410 Gone", () -> {
      client.delete().resourceById(new IdType("Patient", id[0])).execute();
      try {
        client.read().resource(Patient.class).withId(id[0]).execute();
        throw new AssertionError("read after delete succeeded");
      } catch (ResourceGoneException expected) {
        return "410";
      }
    });
    steps.run("read of an unknown id is 404 with an OperationOutcome", () -> {
      try {
        client.read().resource(Patient.class).withId("no-such-" + run).execute();
        throw new AssertionError("read of an unknown id succeeded");
      } catch (ResourceNotFoundException expected) {
        check(expected.getOperationOutcome() != null, "no OperationOutcome");
        return "404";
      }
    });
  }
}
