/** OpenStack credentials as vmlocks uses them, after loading (load-credentials.ts) and validation. */

export type DomainRef = { id: string } | { name: string };
export type UserRef = { id: string } | { name: string; domain: DomainRef };
export type ProjectRef = { id: string } | { name: string; domain: DomainRef };

/** The two Keystone v3 methods vmlocks supports. Both give a project-scoped token with a service catalog. */
export type AuthMethod =
  | { type: 'password'; user: UserRef; password: string; project: ProjectRef }
  /** An application credential carries its own project; by name it needs its owner. */
  | { type: 'application_credential'; secret: string; id: string }
  | { type: 'application_credential'; secret: string; name: string; user: UserRef };

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface OpenStackCredentials {
  /** Keystone v3 base URL, always ending in `/v3`. */
  authUrl: string;
  method: AuthMethod;
  /** The catalog region to use; null takes the first endpoint of the interface (openstackclient does the same). */
  regionName: string | null;
  interface: EndpointInterface;
  /** PEM text of OS_CACERT / `cacert`, read at load time; null for the system CAs. */
  caCert: string | null;
  /** OS_INSECURE / `insecure: true` / `verify: false`: no TLS certificate check (lab use only). */
  insecure: boolean;
  /** Where the settings came from, for messages: `cloud "prod" in /etc/openstack/clouds.yaml` or `the OS_* variables`. */
  source: string;
}

/** Reads a text file; null when it does not exist. Injected so the loader can be tested without the real home. */
export type ReadTextFile = (path: string) => Promise<string | null>;
