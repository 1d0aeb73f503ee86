function Connect-MgGraph {
    <#
    .SYNOPSIS
        Sign in to Microsoft Graph for this PowerShell session.
    .DESCRIPTION
        Microsoft.Graph.Authentication's Connect-MgGraph for the sign-in flows the Python
        core supports: client secret (-ClientSecretCredential), certificate
        (-CertificateThumbprint, -CertificateName, -Certificate), an access token
        (-AccessToken), device code (-UseDeviceCode), environment variables
        (-EnvironmentVariable) and managed identity (-Identity). -Environment picks a
        national cloud or one added with Add-MgEnvironment.

        Secrets go to the core only inside protocol messages over the helper's stdin,
        never in process arguments or environment variables. The session keeps them as
        SecureStrings so that a restarted helper can sign in again.
    .PARAMETER ClientId
        The application (client) id; with -Identity, a user-assigned identity's client id.
    .PARAMETER TenantId
        The tenant id or domain name.
    .PARAMETER Scopes
        Delegated scopes for device-code sign-in (for example User.Read).
    .PARAMETER UseDeviceCode
        Sign a user in with the device code flow (aliases: UseDeviceAuthentication, DeviceCode).
    .PARAMETER CertificateThumbprint
        The thumbprint of a certificate in the current user's certificate store.
    .PARAMETER CertificateName
        The subject name of a certificate in the current user's certificate store (alias: CertificateSubjectName).
    .PARAMETER Certificate
        An X509Certificate2 with its private key.
    .PARAMETER ClientSecretCredential
        A PSCredential: user name = client id, password = client secret.
    .PARAMETER AccessToken
        An access token obtained elsewhere, as a SecureString.
    .PARAMETER EnvironmentVariable
        Read AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or
        AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD) from this session.
    .PARAMETER Identity
        Sign in with the host's managed identity.
    .PARAMETER Environment
        The cloud: Global (default), USGov, USGovDoD, China, or a name added with Add-MgEnvironment.
    .PARAMETER ContextScope
        Process or CurrentUser.
    .PARAMETER ClientTimeout
        Seconds for each request to the identity provider.
    .PARAMETER NoWelcome
        Do not print the welcome message.
    .EXAMPLE
        $credential = [pscredential]::new($clientId, (ConvertTo-SecureString $secret -AsPlainText -Force))
        Connect-MgGraph -TenantId $tenantId -ClientSecretCredential $credential -NoWelcome

        Signs in as an application with a client secret.
    .LINK
        https://learn.microsoft.com/powershell/module/microsoft.graph.authentication/connect-mggraph
    #>
    [CmdletBinding(DefaultParameterSetName = 'UserParameterSet', PositionalBinding = $false)]
    param(
        [Parameter(ParameterSetName = 'UserParameterSet', Position = 0)]
        [string[]]$Scopes,

        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Parameter(ParameterSetName = 'AppCertificateParameterSet', Mandatory = $true)]
        [Parameter(ParameterSetName = 'IdentityParameterSet')]
        [Alias('AppId', 'ApplicationId')]
        [string]$ClientId,

        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [Parameter(ParameterSetName = 'AppSecretCredentialParameterSet')]
        [Alias('Audience', 'Tenant')]
        [string]$TenantId,

        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Alias('UseDeviceAuthentication', 'DeviceCode', 'DeviceAuth', 'Device')]
        [switch]$UseDeviceCode,

        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [Alias('CertificateSubjectName', 'CertificateSubject')]
        [string]$CertificateName,

        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [Alias('Thumbprint')]
        [string]$CertificateThumbprint,

        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [System.Security.Cryptography.X509Certificates.X509Certificate2]$Certificate,

        [Parameter(ParameterSetName = 'AppSecretCredentialParameterSet', Mandatory = $true)]
        [pscredential]$ClientSecretCredential,

        [Parameter(ParameterSetName = 'AccessTokenParameterSet', Mandatory = $true, Position = 0)]
        [securestring]$AccessToken,

        [Parameter(ParameterSetName = 'EnvironmentVariableParameterSet', Mandatory = $true)]
        [switch]$EnvironmentVariable,

        [Parameter(ParameterSetName = 'IdentityParameterSet', Mandatory = $true)]
        [Alias('ManagedIdentity', 'ManagedServiceIdentity', 'MSI')]
        [switch]$Identity,

        [Alias('EnvironmentName', 'NationalCloud')]
        [string]$Environment,

        [ValidateSet('Process', 'CurrentUser')]
        [string]$ContextScope,

        [ValidateRange(1, 86400)]
        [double]$ClientTimeout,

        [switch]$NoWelcome
    )
    $arguments = [ordered]@{}
    if ($PSBoundParameters.ContainsKey('ClientId')) { $arguments.clientId = $ClientId }
    if ($PSBoundParameters.ContainsKey('TenantId')) { $arguments.tenantId = $TenantId }
    if ($PSBoundParameters.ContainsKey('Environment')) { $arguments.environment = $Environment }
    if ($PSBoundParameters.ContainsKey('ContextScope')) { $arguments.contextScope = $ContextScope }
    if ($PSBoundParameters.ContainsKey('ClientTimeout')) { $arguments.timeout = $ClientTimeout }
    $interactive = $false
    switch ($PSCmdlet.ParameterSetName) {
        'AppSecretCredentialParameterSet' {
            $arguments.clientId = $ClientSecretCredential.UserName
            $arguments.clientSecret = $ClientSecretCredential.Password  # SecureString until the pipe
        }
        'AppCertificateParameterSet' {
            $chosen = @('CertificateName', 'CertificateThumbprint', 'Certificate').Where({ $PSBoundParameters.ContainsKey($_) })
            if ($chosen.Count -ne 1) {
                $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                        [System.ArgumentException]::new('Give exactly one of -CertificateThumbprint, -CertificateName and -Certificate.'),
                        'CertificateSource', [System.Management.Automation.ErrorCategory]::InvalidArgument, $null))
            }
            $certificateObject = $Certificate
            if (-not $certificateObject) {
                # The SDK looks in the current user's 'My' store; so do we, then the core
                # looks in its own store folder ($env:MGBRIDGE_CERT_STORE).
                $certificateObject = Find-BridgeCertificate -Thumbprint $CertificateThumbprint -SubjectName $CertificateName
                if (-not $certificateObject) {
                    if ($CertificateThumbprint) { $arguments.certificateThumbprint = $CertificateThumbprint }
                    if ($CertificateName) { $arguments.certificateName = $CertificateName }
                    $arguments.environ = Get-BridgeSessionEnvironment -Cmdlet $PSCmdlet -Names 'MGBRIDGE_CERT_STORE' -PathNames 'MGBRIDGE_CERT_STORE'
                }
            }
            if ($certificateObject) {
                if (-not $certificateObject.HasPrivateKey) {
                    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                            [System.ArgumentException]::new("The certificate $($certificateObject.Thumbprint) has no private key."),
                            'CertificateWithoutKey', [System.Management.Automation.ErrorCategory]::InvalidArgument, $certificateObject.Thumbprint))
                }
                $bytes = $certificateObject.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12)
                $data = [System.Security.SecureString]::new()
                foreach ($char in [System.Convert]::ToBase64String($bytes).ToCharArray()) { $data.AppendChar($char) }
                [System.Array]::Clear($bytes, 0, $bytes.Length)
                $data.MakeReadOnly()
                $arguments.certificateData = $data
            }
        }
        'AccessTokenParameterSet' { $arguments.accessToken = $AccessToken }
        'EnvironmentVariableParameterSet' {
            $arguments.environmentVariable = $true
            $arguments.environ = Get-BridgeSessionEnvironment -Cmdlet $PSCmdlet -Names 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME' `
                -SecretNames 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_PASSWORD' -PathNames 'AZURE_CLIENT_CERTIFICATE_PATH'
        }
        'IdentityParameterSet' {
            $arguments.identity = $true
            $arguments.environ = Get-BridgeSessionEnvironment -Cmdlet $PSCmdlet -Names 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'IMDS_ENDPOINT', 'MGBRIDGE_IMDS_ENDPOINT' `
                -SecretNames 'IDENTITY_HEADER', 'MSI_SECRET'
        }
        default {
            # Delegated sign-in: device code is the flow the core has (no embedded browser).
            $arguments.useDeviceCode = $true
            if ($Scopes) { $arguments.scopes = $Scopes }
            $interactive = $true
        }
    }
    Test-BridgeCoexistence
    $result = Invoke-BridgeOperation -Cmdlet $PSCmdlet -Op 'connect' -Arguments $arguments -Journal -Interactive:$interactive
    if (-not $NoWelcome) {
        # The SDK's (2.x) welcome, on the host as the SDK shows it (not pipeline output).
        $context = $result.context
        Write-Host (("Welcome to Microsoft Graph!`n`nConnected via {0} access using {1}`n" -f
                ([string]$context.AuthType).ToLowerInvariant(), $context.ClientId) +
            "MgBridge: the Python core serves this session; Get-MgContext shows the connection.`n`n" +
            'NOTE: You can use the -NoWelcome parameter to suppress this message.')
    }
}
