package org.fhirgateway.hapi;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * HAPI's instance validator, offline: the R4 core StructureDefinitions and ValueSets bundled in
 * hapi-fhir-validation-resources-r4, in-memory terminology for the small code systems, and no
 * remote terminology server (nothing here may reach the internet). Only ERROR and FATAL
 * messages count: warnings (e.g. codes from SNOMED CT or LOINC, which cannot be checked
 * offline, or dom-6 "should have narrative") are advice in R4, not failures.
 */
final class Validation {
  /** One error from the validator: where and what. */
  record Problem(String severity, String location, String message) {}

  private final FhirValidator validator;

  Validation(FhirContext context) {
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(context),
        new InMemoryTerminologyServerValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context),
        new SnapshotGeneratingValidationSupport(context));
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    this.validator = context.newValidator().registerValidatorModule(module);
  }

  /** The error and fatal messages for one resource, given as JSON text. */
  List<Problem> errors(String json) {
    ValidationResult result;
    try {
      result = validator.validateWithResult(json);
    } catch (RuntimeException crash) {
      // The validator's JSON reader gives up on some malformed input (e.g. a bare null in an
      // array): the resource cannot be read as FHIR, which is a fatal verdict, said as such.
      return List.of(new Problem("fatal", "", "the validator could not read the resource: " + crash));
    }
    List<Problem> problems = new ArrayList<>();
    for (SingleValidationMessage message : result.getMessages()) {
      ResultSeverityEnum severity = message.getSeverity();
      if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
        problems.add(new Problem(severity.getCode(), message.getLocationString(), message.getMessage()));
      }
    }
    return problems;
  }
}
