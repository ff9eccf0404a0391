import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsEndpointUrl, awsFilePaths, awsForcePathStyle, awsRegion, envKeys, loadAwsProfile, parseAwsIni, profileKeys, unsupportedSource } from './aws-config.js';

function home(files: { credentials?: string; config?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-aws-'));
  mkdirSync(join(dir, '.aws'));
  if (files.credentials !== undefined) writeFileSync(join(dir, '.aws', 'credentials'), files.credentials);
  if (files.config !== undefined) writeFileSync(join(dir, '.aws', 'config'), files.config);
  return dir;
}

describe('parseAwsIni', () => {
  it('reads sections, lower-cases names, keeps values as written and skips comments', () => {
    const ini = parseAwsIni(
      '# comment\n; another\n[default]\nAWS_Access_Key_Id = AKID\naws_secret_access_key=se#cr;et/+=\n\n[profile  dev ]\nregion = eu-west-1\r\n',
    );
    expect(ini.get('default')?.get('aws_access_key_id')).toBe('AKID');
    expect(ini.get('default')?.get('aws_secret_access_key')).toBe('se#cr;et/+=');
    expect(ini.get('profile dev')?.get('region')).toBe('eu-west-1');
  });

  it('reads an indented block under a property with no value as nested properties', () => {
    const ini = parseAwsIni('[profile x]\ns3 =\n  addressing_style = path\n  endpoint_url = http://minio:9000\nregion = us-west-2\n  stray = ignored-as-nested?\n');
    const p = ini.get('profile x')!;
    expect(p.get('s3.addressing_style')).toBe('path');
    expect(p.get('s3.endpoint_url')).toBe('http://minio:9000');
    expect(p.get('region')).toBe('us-west-2');
    // An indented line after a property that has a value is a property of its own.
    expect(p.get('stray')).toBe('ignored-as-nested?');
  });
});

describe('the shared AWS files', () => {
  it('live in $HOME/.aws unless AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE say otherwise', () => {
    expect(awsFilePaths({ HOME: '/h' })).toEqual({ credentials: '/h/.aws/credentials', config: '/h/.aws/config' });
    expect(awsFilePaths({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '~/c', AWS_CONFIG_FILE: '/etc/aws' })).toEqual({ credentials: '/h/c', config: '/etc/aws' });
    expect(awsFilePaths({})).toEqual({ credentials: undefined, config: undefined });
  });

  it('merge [profile NAME] of the config file with [NAME] of the credentials file, credentials winning', () => {
    const HOME = home({
      config: '[profile dev]\nregion = eu-north-1\naws_access_key_id = FROMCONFIG\n[dev]\nregion = ignored\n',
      credentials: '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n',
    });
    const profile = loadAwsProfile({ HOME, AWS_PROFILE: 'dev' });
    expect(profile.get('region')).toBe('eu-north-1');
    expect(profileKeys(profile)).toEqual({ accessKeyId: 'AKIDDEV', secretAccessKey: 'devsecret' });
  });

  it('use [default] of both files without AWS_PROFILE', () => {
    const HOME = home({ config: '[default]\nregion = ap-south-1\n', credentials: '[default]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\n' });
    const profile = loadAwsProfile({ HOME });
    expect(profile.get('region')).toBe('ap-south-1');
    expect(profileKeys(profile)).toEqual({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
  });

  it('count as empty when missing', () => {
    expect(loadAwsProfile({ HOME: home({}) }).size).toBe(0);
    expect(loadAwsProfile({}).size).toBe(0);
  });

  it('that are a FIFO are refused at once instead of blocking', () => {
    const HOME = home({});
    execFileSync('mkfifo', [join(HOME, '.aws', 'credentials')]);
    expect(() => loadAwsProfile({ HOME })).toThrow(/credentials is not a regular file/);
  });

  it('are never looked for in the current folder when HOME is empty', () => {
    expect(awsFilePaths({ HOME: '' })).toEqual({ credentials: undefined, config: undefined });
  });

  it('that cannot be read are a typed error naming the path', () => {
    const HOME = home({});
    mkdirSync(join(HOME, '.aws', 'config'));
    expect(() => loadAwsProfile({ HOME })).toThrow(expect.objectContaining({ code: 'S3_FAILED', reason: 'config-unreadable' }));
  });
});

describe('AWS settings', () => {
  const profile = (entries: Record<string, string>) => () => new Map(Object.entries(entries));

  it('take keys from the environment only when both are set', () => {
    expect(envKeys({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' })).toEqual({ accessKeyId: 'A', secretAccessKey: 'S' });
    expect(envKeys({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T' })).toEqual({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
    expect(envKeys({ AWS_ACCESS_KEY_ID: 'A' })).toBeUndefined();
  });

  it('take the region from AWS_REGION, AWS_DEFAULT_REGION, then the profile', () => {
    expect(awsRegion({ AWS_REGION: 'r1', AWS_DEFAULT_REGION: 'r2' }, profile({ region: 'r3' }))).toBe('r1');
    expect(awsRegion({ AWS_DEFAULT_REGION: 'r2' }, profile({ region: 'r3' }))).toBe('r2');
    expect(awsRegion({}, profile({ region: 'r3' }))).toBe('r3');
    expect(awsRegion({}, profile({}))).toBeUndefined();
  });

  it('take the endpoint from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the s3 block, then endpoint_url', () => {
    const p = profile({ 's3.endpoint_url': 'http://block', endpoint_url: 'http://plain' });
    expect(awsEndpointUrl({ AWS_ENDPOINT_URL_S3: 'http://s3var', AWS_ENDPOINT_URL: 'http://var' }, p)).toBe('http://s3var');
    expect(awsEndpointUrl({ AWS_ENDPOINT_URL: 'http://var' }, p)).toBe('http://var');
    expect(awsEndpointUrl({}, p)).toBe('http://block');
    expect(awsEndpointUrl({}, profile({ endpoint_url: 'http://plain' }))).toBe('http://plain');
    expect(awsEndpointUrl({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL: 'http://var' }, p)).toBeUndefined();
  });

  it("read the profile's s3 addressing_style", () => {
    expect(awsForcePathStyle(profile({ 's3.addressing_style': 'path' }))).toBe(true);
    expect(awsForcePathStyle(profile({ 's3.addressing_style': 'virtual' }))).toBe(false);
    expect(awsForcePathStyle(profile({ 's3.addressing_style': 'auto' }))).toBeUndefined();
  });

  it('name what a profile without static keys uses instead', () => {
    expect(unsupportedSource(new Map([['sso_session', 'x']]))).toBe('AWS SSO');
    expect(unsupportedSource(new Map([['role_arn', 'arn']]))).toContain('role_arn');
    expect(unsupportedSource(new Map([['credential_process', 'x']]))).toBe('credential_process');
    expect(unsupportedSource(new Map())).toBeUndefined();
  });
});
