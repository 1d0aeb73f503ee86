# Connect-MgGraph: every sign-in flow the module offers, with the SDK's parameter names,
# against the emulator over TLS (Add-MgEnvironment -CaFile; TLS is verified), and what
# Get-MgContext shows for each; Disconnect-MgGraph; sign-in errors; secrets kept out of
# every stream; -Confirm answered through a real host prompt.
#
# Environment variables a flow reads (MGBRIDGE_CERT_STORE, AZURE_*, IDENTITY_*) are set
# here after this session's helper has started, on purpose: the core must get the
# session's current values from the shim (in 'connect' args.environ), not from the
# environment it inherited at start.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Connect-TestGraph  # starts the helper and adds the 'Emu' environment
    $script:Info = Get-TestEmulator
    $script:AppId = $Info.application_id
    $script:SecretCredential = [pscredential]::new($Info.client_id, (ConvertTo-SecureString $Info.client_secret -AsPlainText -Force))
    $script:CertStore = Join-Path ([System.IO.Path]::GetTempPath()) "mgbridge-connect-tests-$PID"
    $null = New-Item -ItemType Directory -Path $CertStore -Force
    $script:SavedVariables = @{}
    foreach ($name in 'MGBRIDGE_CERT_STORE', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET',
        'AZURE_CLIENT_CERTIFICATE_PATH', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET') {
        $SavedVariables[$name] = [System.Environment]::GetEnvironmentVariable($name)
    }

    function Restore-TestVariables {
        # Not SetEnvironmentVariable($name, $null): PowerShell passes $null as '' there,
        # which on Unix leaves the variable set to an empty string.
        foreach ($name in $SavedVariables.Keys) {
            if ($null -eq $SavedVariables[$name]) { Remove-Item -LiteralPath "Env:$name" -ErrorAction SilentlyContinue }
            else { Set-Item -LiteralPath "Env:$name" -Value $SavedVariables[$name] }
        }
    }

    function New-TestCertificate {
        <# A self-signed RSA certificate with its key, registered with the emulator as a new
           confidential client; written to the certificate store folder as PEM (cert + key).
           Returns @{ Certificate; ClientId; Thumbprint; Subject; KeyText }. #>
        param([string]$CommonName, [switch]$NoStoreFile)
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            "CN=$CommonName", $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
            [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $now = [datetimeoffset]::UtcNow
        $certificate = $request.CreateSelfSigned($now.AddMinutes(-5), $now.AddDays(2))
        $certPem = "-----BEGIN CERTIFICATE-----`n" + [Convert]::ToBase64String($certificate.RawData, 'InsertLineBreaks') + "`n-----END CERTIFICATE-----`n"
        $keyBody = [Convert]::ToBase64String($rsa.ExportPkcs8PrivateKey(), 'InsertLineBreaks')
        if (-not $NoStoreFile) {
            $keyPem = "-----BEGIN PRIVATE KEY-----`n$keyBody`n-----END PRIVATE KEY-----`n"
            [System.IO.File]::WriteAllText((Join-Path $CertStore "$CommonName.pem"), $keyPem + $certPem)
        }
        $client = Invoke-EmulatorAdmin 'clients' -Method POST -Body @{
            certificate_pem = $certPem; roles = @('Synchronization.ReadWrite.All'); display_name = "cert app $CommonName"
        }
        @{ Certificate = $certificate; ClientId = $client.client_id; Thumbprint = $certificate.Thumbprint
            Subject = "CN=$CommonName"; KeyText = ($keyBody -split "`n")[1].Trim() }
    }

    function Get-ContextView {
        <# The Get-MgContext fields the SDK shows, as a hashtable (Scopes joined). #>
        $context = Get-MgContext
        if (-not $context) { return $null }
        $view = @{}
        foreach ($name in 'ClientId', 'TenantId', 'AuthType', 'TokenCredentialType', 'CertificateThumbprint',
            'Environment', 'AppName', 'ContextScope', 'Account', 'ManagedIdentityId') {
            $view[$name] = $context.$name
        }
        $view.Scopes = @($context.Scopes) -join ' '
        $view
    }

    function Test-CreatesJob {
        <# A job can be created with the current connection. #>
        param([string]$TemplateId = 'connect')
        (New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId $TemplateId -ErrorAction Stop).TemplateId
    }

    function Get-AllStreams {
        <# Everything a script block writes, on every stream, errors included, as one text. #>
        param([scriptblock]$Script)
        $records = & {
            try { & $Script } catch { $_ }
        } *>&1
        $text = foreach ($record in $records) {
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                $record | Format-List * -Force | Out-String -Width 500
                $record.Exception | Format-List * -Force | Out-String -Width 500
            } else { $record | Out-String -Width 500 }
        }
        $text -join "`n"
    }

    function Invoke-InRunspace {
        <# Run a script in a fresh runspace (its own module instance; the process-wide session) asynchronously;
           call -OnInformation for each host line as it arrives; return the output. #>
        param([scriptblock]$Script, [object[]]$ArgumentList, [scriptblock]$OnInformation, [int]$TimeoutSeconds = 30)
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($Script)
            foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            $seen = 0
            $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
            while (-not $handle.IsCompleted -and [datetime]::UtcNow -lt $deadline) {
                while ($seen -lt $ps.Streams.Information.Count) {
                    & $OnInformation ([string]$ps.Streams.Information[$seen].MessageData)
                    $seen++
                }
                Start-Sleep -Milliseconds 50
            }
            if (-not $handle.IsCompleted) { $ps.Stop(); throw 'the runspace did not finish in time' }
            $null = $ps.EndInvoke($handle)
            if ($ps.Streams.Error.Count) { throw $ps.Streams.Error[0] }
            , @($output)
        } finally { $ps.Dispose() }
    }
}

AfterAll {
    Restore-TestVariables
    Remove-Item -LiteralPath $CertStore -Recurse -Force -ErrorAction SilentlyContinue
    Connect-TestGraph  # leave the shared connection as the other files expect it
}

Describe 'Connect-MgGraph sign-in flows and Get-MgContext' {
    AfterEach {
        Restore-TestVariables
    }

    It '-ClientSecretCredential: app-only, client secret' {
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome
        $c = Get-ContextView
        $c.ClientId | Should -Be $Info.client_id
        $c.TenantId | Should -Be $Info.tenant_id
        $c.Scopes | Should -Be 'Synchronization.ReadWrite.All'
        $c.AuthType | Should -Be 'AppOnly'
        $c.TokenCredentialType | Should -Be 'ClientSecret'
        $c.CertificateThumbprint | Should -BeNullOrEmpty
        $c.Environment | Should -Be 'Emu'
        $c.AppName | Should -Be 'emulator confidential client'
        $c.ContextScope | Should -Be 'Process'
        (Get-MgContext).PSTypeNames[0] | Should -Be 'Microsoft.Graph.PowerShell.Authentication.AuthContext'
    }

    It '-CertificateThumbprint finds the certificate in $env:MGBRIDGE_CERT_STORE (set after the helper started)' {
        $cert = New-TestCertificate -CommonName "thumb-$PID"
        $env:MGBRIDGE_CERT_STORE = $CertStore
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -CertificateThumbprint $cert.Thumbprint -NoWelcome
        $c = Get-ContextView
        $c.ClientId | Should -Be $cert.ClientId
        $c.TenantId | Should -Be $Info.tenant_id
        $c.AuthType | Should -Be 'AppOnly'
        $c.TokenCredentialType | Should -Be 'ClientCertificate'
        $c.CertificateThumbprint | Should -Be $cert.Thumbprint
        $c.Scopes | Should -Be 'Synchronization.ReadWrite.All'
        $c.Environment | Should -Be 'Emu'
        $c.AppName | Should -Be "cert app thumb-$PID"
        $c.ContextScope | Should -Be 'Process'
        Test-CreatesJob 'thumbprint' | Should -Be 'thumbprint'
    }

    It '-CertificateThumbprint accepts the SDK''s lower-case, spaced form' {
        $cert = New-TestCertificate -CommonName "thumb2-$PID"
        $env:MGBRIDGE_CERT_STORE = $CertStore
        $spaced = ($cert.Thumbprint.ToLowerInvariant() -split '(..)' -ne '') -join ' '
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -AppId $cert.ClientId -Thumbprint $spaced -NoWelcome
        (Get-MgContext).CertificateThumbprint | Should -Be $cert.Thumbprint
    }

    It '-CertificateName finds the certificate by subject (CN=... and bare name)' {
        $cert = New-TestCertificate -CommonName "subject-$PID"
        $env:MGBRIDGE_CERT_STORE = $CertStore
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -CertificateName $cert.Subject -NoWelcome
        $c = Get-ContextView
        $c.TokenCredentialType | Should -Be 'ClientCertificate'
        $c.CertificateThumbprint | Should -Be $cert.Thumbprint
        $c.ClientId | Should -Be $cert.ClientId
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -CertificateSubjectName "subject-$PID" -NoWelcome
        (Get-MgContext).CertificateThumbprint | Should -Be $cert.Thumbprint
        Test-CreatesJob 'certname' | Should -Be 'certname'
    }

    It '-CertificateThumbprint with no such certificate is a clear error naming the store' {
        $env:MGBRIDGE_CERT_STORE = $CertStore
        $err = { Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $Info.client_id -CertificateThumbprint ('AB' * 20) -NoWelcome } |
            Should -Throw -ErrorId 'AuthenticationError,Connect-MgGraph' -PassThru
        $err.Exception.Message | Should -BeLike "Certificate with thumbprint 'ABAB*' was not found in certificate store or has expired.*$CertStore*"
    }

    It '-Certificate: an X509Certificate2 with its private key' {
        $cert = New-TestCertificate -CommonName "object-$PID" -NoStoreFile
        $cert.Certificate.HasPrivateKey | Should -BeTrue
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -Certificate $cert.Certificate -NoWelcome
        $c = Get-ContextView
        $c.ClientId | Should -Be $cert.ClientId
        $c.AuthType | Should -Be 'AppOnly'
        $c.TokenCredentialType | Should -Be 'ClientCertificate'
        $c.CertificateThumbprint | Should -Be $cert.Thumbprint
        $c.Environment | Should -Be 'Emu'
        Test-CreatesJob 'certobject' | Should -Be 'certobject'
    }

    It '-Certificate without a private key is refused before anything is sent' {
        $cert = New-TestCertificate -CommonName "nokey-$PID" -NoStoreFile
        $public = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($cert.Certificate.RawData)
        { Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -Certificate $public } |
            Should -Throw -ErrorId 'CertificateWithoutKey,Connect-MgGraph'
    }

    It '-AccessToken (SecureString): the token is used as given' {
        $token = (Invoke-EmulatorAdmin 'tokens' -Method POST -Body @{ client_id = $Info.client_id }).access_token
        Connect-MgGraph -Environment Emu -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -NoWelcome
        $c = Get-ContextView
        $c.ClientId | Should -Be $Info.client_id
        $c.TenantId | Should -Be $Info.tenant_id
        $c.AuthType | Should -Be 'UserProvidedAccessToken'
        $c.TokenCredentialType | Should -Be 'UserProvidedAccessToken'
        $c.Scopes | Should -Be 'Synchronization.ReadWrite.All'
        $c.CertificateThumbprint | Should -BeNullOrEmpty
        $c.Environment | Should -Be 'Emu'
        $c.ContextScope | Should -Be 'Process'
        Test-CreatesJob 'token' | Should -Be 'token'
        $before = (Get-EmulatorCounters).routes.token
        $null = Test-CreatesJob 'token2'
        (Get-EmulatorCounters).routes.token | Should -Be $before -Because 'a given token is never refreshed or exchanged'
    }

    It '-AccessToken: an expired token gives the SDK''s message' {
        $token = (Invoke-EmulatorAdmin 'tokens' -Method POST -Body @{ client_id = $Info.client_id; expired = $true }).access_token
        $err = { Connect-MgGraph -Environment Emu -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) } |
            Should -Throw -ErrorId 'AuthenticationError,Connect-MgGraph' -PassThru
        $err.Exception.Message | Should -Be 'The provided access token has expired. Set a valid access token to `-AccessToken` parameter and try again.'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It '-UseDeviceCode: shows the prompt at once; the code approved from the test signs the user in' {
        $saved = Invoke-EmulatorAdmin 'config'
        $null = Invoke-EmulatorAdmin 'config' -Method POST -Body @{ device_code_interval = 1 }
        $approved = [System.Collections.Generic.List[string]]::new()
        try {
            $manifest = Join-Path (Get-TestRepository) 'psmodule/MgBridge.psd1'
            $out = Invoke-InRunspace -ArgumentList $manifest, $Info -Script {
                param($manifest, $info)
                Import-Module $manifest
                # (With the pythonnet transport, runspaces share the one in-process core.)
                if (-not (Get-MgEnvironment | Where-Object Name -eq 'Emu')) {
                    $null = Add-MgEnvironment -Name Emu -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
                }
                Connect-MgGraph -Environment Emu -TenantId $info.tenant_id -ClientId $info.public_client_id `
                    -Scopes 'Synchronization.ReadWrite.All' -UseDeviceCode -NoWelcome
                Get-MgContext
                (New-MgApplicationSynchronizationJob -ApplicationId $info.application_id -TemplateId 'device').TemplateId
            } -OnInformation {
                param($line)
                if ($line -match 'enter the code (\S+) to authenticate') {
                    $null = Invoke-EmulatorAdmin 'device/approve' -Method POST -Body @{ user_code = $Matches[1] }
                    $approved.Add($Matches[1])
                }
            }
        } finally { $null = Invoke-EmulatorAdmin 'config' -Method POST -Body @{ device_code_interval = $saved.device_code_interval } }
        $approved.Count | Should -Be 1
        $c = $out[0]
        $c.ClientId | Should -Be $Info.public_client_id
        $c.TenantId | Should -Be $Info.tenant_id
        $c.AuthType | Should -Be 'Delegated'
        $c.TokenCredentialType | Should -Be 'DeviceCode'
        @($c.Scopes) | Should -Contain 'Synchronization.ReadWrite.All'
        $c.Account | Should -Not -BeNullOrEmpty
        $c.Environment | Should -Be 'Emu'
        $c.ContextScope | Should -Be 'CurrentUser'
        $out[1] | Should -Be 'device'
    }

    It '-EnvironmentVariable reads AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET of this session' {
        $env:AZURE_CLIENT_ID = $Info.client_id
        $env:AZURE_TENANT_ID = $Info.tenant_id
        $env:AZURE_CLIENT_SECRET = $Info.client_secret
        Connect-MgGraph -Environment Emu -EnvironmentVariable -NoWelcome
        $c = Get-ContextView
        $c.ClientId | Should -Be $Info.client_id
        $c.TenantId | Should -Be $Info.tenant_id
        $c.AuthType | Should -Be 'AppOnly'
        $c.TokenCredentialType | Should -Be 'EnvironmentVariable'
        $c.Scopes | Should -Be 'Synchronization.ReadWrite.All'
        $c.Environment | Should -Be 'Emu'
        $c.ContextScope | Should -Be 'Process'
        Test-CreatesJob 'envvar' | Should -Be 'envvar'
    }

    It '-EnvironmentVariable with AZURE_CLIENT_CERTIFICATE_PATH relative to the current location' {
        $cert = New-TestCertificate -CommonName "envcert-$PID"
        $env:AZURE_CLIENT_ID = $cert.ClientId
        $env:AZURE_TENANT_ID = $Info.tenant_id
        $env:AZURE_CLIENT_CERTIFICATE_PATH = "envcert-$PID.pem"
        Push-Location $CertStore
        try { Connect-MgGraph -Environment Emu -EnvironmentVariable -NoWelcome } finally { Pop-Location }
        $c = Get-ContextView
        $c.ClientId | Should -Be $cert.ClientId
        $c.TokenCredentialType | Should -Be 'EnvironmentVariable'
        $c.CertificateThumbprint | Should -Be $cert.Thumbprint
    }

    It '-EnvironmentVariable without the variables names the missing one' {
        Remove-Item Env:AZURE_CLIENT_ID, Env:AZURE_TENANT_ID, Env:AZURE_CLIENT_SECRET -ErrorAction SilentlyContinue
        $err = { Connect-MgGraph -Environment Emu -EnvironmentVariable } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'BindingError,Connect-MgGraph'
        $err.Exception.Message | Should -Match 'AZURE_CLIENT_ID'
    }

    It '-Identity: managed identity through IDENTITY_ENDPOINT/IDENTITY_HEADER of this session' {
        $env:IDENTITY_ENDPOINT = $Info.managed_identity_endpoint
        $env:IDENTITY_HEADER = $Info.managed_identity_header
        Connect-MgGraph -Environment Emu -Identity -NoWelcome
        $c = Get-ContextView
        $c.AuthType | Should -Be 'ManagedIdentity'
        $c.TokenCredentialType | Should -Be 'ManagedIdentity'
        $c.ClientId | Should -Not -BeNullOrEmpty
        $c.TenantId | Should -Be $Info.tenant_id
        $c.ManagedIdentityId | Should -BeNullOrEmpty
        $c.Environment | Should -Be 'Emu'
        $c.ContextScope | Should -Be 'Process'
        $c.Scopes | Should -Be 'Synchronization.ReadWrite.All'
        Test-CreatesJob 'identity' | Should -Be 'identity'
        $mi = Get-EmulatorRequests -Route 'managed_identity' | Select-Object -Last 1
        $mi.path | Should -Be '/msi/token'
    }

    It '-Identity -ClientId: a user-assigned identity' {
        $env:IDENTITY_ENDPOINT = $Info.managed_identity_endpoint
        $env:IDENTITY_HEADER = $Info.managed_identity_header
        Connect-MgGraph -Environment Emu -Identity -ClientId $Info.user_assigned_client_id -NoWelcome
        $c = Get-ContextView
        $c.AuthType | Should -Be 'ManagedIdentity'
        $c.ClientId | Should -Be $Info.user_assigned_client_id
        $c.ManagedIdentityId | Should -Be $Info.user_assigned_client_id
    }

    It '-Identity with a wrong IDENTITY_HEADER fails clearly without showing the header' {
        $env:IDENTITY_ENDPOINT = $Info.managed_identity_endpoint
        $env:IDENTITY_HEADER = 'wrong-identity-header-value-42'
        $text = Get-AllStreams { Connect-MgGraph -Environment Emu -Identity -NoWelcome -Debug -Verbose }
        $text | Should -Match 'AuthenticationError,Connect-MgGraph'
        $text | Should -Match 'HTTP 401'
        $text | Should -Not -Match 'wrong-identity-header-value-42'
    }

    It '-Environment: a cloud added with Add-MgEnvironment; an unknown name is an error' {
        $name = "EmuConnect$PID"
        $added = Add-MgEnvironment -Name $name -AzureADEndpoint $Info.login_url -GraphEndpoint $Info.graph_url -CaFile $Info.ca_file
        $added.Name | Should -Be $name
        (Get-MgEnvironment -Name $name).AzureADEndpoint | Should -Be $Info.login_url.TrimEnd('/')
        Connect-MgGraph -Environment $name -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome
        (Get-MgContext).Environment | Should -Be $name
        Test-CreatesJob 'customcloud' | Should -Be 'customcloud'
        $null = Disconnect-MgGraph
        $null = Remove-MgEnvironment -Name $name
        { Connect-MgGraph -Environment $name -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome } |
            Should -Throw "*$name*"
    }

    It '-CaFile relative to PowerShell''s location is that file; a missing one is an error naming it, and nothing is added' {
        $name = "EmuRelCa$PID"
        Push-Location -LiteralPath ([System.IO.Path]::GetDirectoryName($Info.ca_file))
        try {
            $null = Add-MgEnvironment -Name $name -AzureADEndpoint $Info.login_url -GraphEndpoint $Info.graph_url -CaFile ([System.IO.Path]::GetFileName($Info.ca_file))
            $missing = { Add-MgEnvironment -Name "$name-missing" -AzureADEndpoint $Info.login_url -GraphEndpoint $Info.graph_url -CaFile 'no-such-ca.pem' } |
                Should -Throw -PassThru
        } finally { Pop-Location }
        try {
            Connect-MgGraph -Environment $name -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome
            Test-CreatesJob 'relativeca' | Should -Be 'relativeca'  # TLS verified against that file
            $null = Disconnect-MgGraph
        } finally { $null = Remove-MgEnvironment -Name $name }
        $missing.FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        $missing.Exception.Message | Should -Match 'no-such-ca\.pem'
        @(Get-MgEnvironment | Where-Object Name -EQ "$name-missing") | Should -BeNullOrEmpty
    }

    It '-Environment: a custom cloud without -CaFile is refused by TLS verification' {
        $name = "EmuNoCa$PID"
        $null = Add-MgEnvironment -Name $name -AzureADEndpoint $Info.login_url -GraphEndpoint $Info.graph_url
        try {
            $err = { Connect-MgGraph -Environment $name -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome } |
                Should -Throw -PassThru
            $err.Exception.Message | Should -Match 'certificate|TLS|SSL'
        } finally { $null = Remove-MgEnvironment -Name $name }
    }

    It '-TenantId and -ClientId (and their SDK aliases) reach the context' {
        $cert = New-TestCertificate -CommonName "alias-$PID"
        $env:MGBRIDGE_CERT_STORE = $CertStore
        Connect-MgGraph -Environment Emu -Tenant $Info.tenant_id -ApplicationId $cert.ClientId -CertificateThumbprint $cert.Thumbprint -NoWelcome
        $c = Get-ContextView
        $c.TenantId | Should -Be $Info.tenant_id
        $c.ClientId | Should -Be $cert.ClientId
        { Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -CertificateThumbprint $cert.Thumbprint } |
            Should -Throw -Because '-ClientId is mandatory with a certificate'
    }

    It '-ContextScope: Process by default, CurrentUser when asked, anything else refused' {
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -ContextScope CurrentUser -NoWelcome
        (Get-MgContext).ContextScope | Should -Be 'CurrentUser'
        Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -ContextScope Process -NoWelcome
        (Get-MgContext).ContextScope | Should -Be 'Process'
        { Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -ContextScope Machine } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Connect-MgGraph'
    }
}

Describe 'The welcome message' {
    It 'is shown on the host, not as output, as the SDK''s "Welcome to Microsoft Graph!"' {
        $all = Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential 6>&1
        $all | Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] } | Should -BeNullOrEmpty
        $text = ($all | ForEach-Object { "$($_.MessageData)" }) -join "`n"
        $text | Should -Match '^Welcome to Microsoft Graph!'
        $text | Should -Match "Connected via apponly access using $($Info.client_id)"
        $text | Should -Match 'NOTE: You can use the -NoWelcome parameter to suppress this message\.'
    }
    It 'is not shown with -NoWelcome' {
        $all = Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome *>&1
        ($all | Out-String) | Should -Not -Match 'Welcome'
    }
}

Describe 'Disconnect-MgGraph' {
    It 'returns the context, forgets it, and a cmdlet call then asks for Connect-MgGraph (ErrorRecord)' {
        Connect-TestGraph
        $before = (Get-EmulatorCounters).routes.'jobs.create'
        $gone = Disconnect-MgGraph
        $gone.ClientId | Should -Be $Info.client_id
        Get-MgContext | Should -BeNullOrEmpty
        Disconnect-MgGraph | Should -BeNullOrEmpty -Because 'disconnecting twice does nothing'
        $out = New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'x' -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $ev[0].Exception.Message | Should -Be 'Authentication needed. Please call Connect-MgGraph.'
        $ev[0].FullyQualifiedErrorId | Should -Be 'AuthenticationError,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_CreateExpanded'
        $ev[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        (Get-EmulatorCounters).routes.'jobs.create' | Should -Be $before
        { New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'x' -ErrorAction Stop } |
            Should -Throw 'Authentication needed. Please call Connect-MgGraph.'
    }
}

Describe 'Sign-in errors and secrets' {
    BeforeAll { Connect-TestGraph }

    It 'a wrong client secret: a terminating ErrorRecord that says why, without the secret' {
        $wrong = 'Wrong-Secret-Value-8c1f2e'
        $credential = [pscredential]::new($Info.client_id, (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $err = { Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $credential -NoWelcome } |
            Should -Throw -ErrorId 'AuthenticationError,Connect-MgGraph' -PassThru
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'invalid_client: AADSTS7000215: Invalid client secret'
        ($err | Format-List * -Force | Out-String) + ($err.Exception | Format-List * -Force | Out-String) |
            Should -Not -Match ([regex]::Escape($wrong))
    }

    It 'no secret, key or token in -Debug/-Verbose output or error records, for any flow' {
        $cert = New-TestCertificate -CommonName "streams-$PID"
        $token = (Invoke-EmulatorAdmin 'tokens' -Method POST -Body @{ client_id = $Info.client_id }).access_token
        $wrongCredential = [pscredential]::new($Info.client_id, (ConvertTo-SecureString 'Another-Wrong-Secret-77aa' -AsPlainText -Force))
        $text = Get-AllStreams {
            Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $SecretCredential -NoWelcome -Debug -Verbose
            New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'streams' -Debug -Verbose
            Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientSecretCredential $wrongCredential -Debug -Verbose
        }
        $text += Get-AllStreams {
            Connect-MgGraph -Environment Emu -TenantId $Info.tenant_id -ClientId $cert.ClientId -Certificate $cert.Certificate -NoWelcome -Debug -Verbose
            New-MgApplicationSynchronizationJob -ApplicationId 'no-such-app' -TemplateId 'streams' -Debug -Verbose
        }
        $text += Get-AllStreams {
            Connect-MgGraph -Environment Emu -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -Debug -Verbose
            New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'streams' -Debug -Verbose
        }
        $text += Get-AllStreams {
            $env:AZURE_CLIENT_ID = $Info.client_id; $env:AZURE_TENANT_ID = $Info.tenant_id; $env:AZURE_CLIENT_SECRET = $Info.client_secret
            $env:IDENTITY_ENDPOINT = $Info.managed_identity_endpoint; $env:IDENTITY_HEADER = $Info.managed_identity_header
            try {
                Connect-MgGraph -Environment Emu -EnvironmentVariable -NoWelcome -Debug -Verbose
                Connect-MgGraph -Environment Emu -Identity -NoWelcome -Debug -Verbose
                New-MgApplicationSynchronizationJob -ApplicationId $AppId -TemplateId 'streams' -Debug -Verbose
            } finally {
                Remove-Item Env:AZURE_CLIENT_ID, Env:AZURE_TENANT_ID, Env:AZURE_CLIENT_SECRET, Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER
            }
        }
        $text | Should -Match 'HTTP REQUEST' -Because 'the debug stream was captured'
        $text | Should -Match 'MgBridge \[transport' -Because 'the verbose stream was captured'
        foreach ($secret in $Info.client_secret, 'Another-Wrong-Secret-77aa', $token, $Info.managed_identity_header, $cert.KeyText) {
            $text | Should -Not -Match ([regex]::Escape($secret))
        }
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}' -Because 'no JWT, whichever flow obtained it'
        $text | Should -Not -Match 'client_assertion=[^&\s<]{20}'
    }
}

Describe '-Confirm' {
    It 'asks on the host with the URL and the exact body; Yes sends, No sends nothing' {
        # A real prompt: a child pwsh (ConsoleHost, interactive) reads the answers from stdin.
        $helpers = Join-Path $PSScriptRoot 'TestHelpers.psm1'
        $script = @"
Import-Module '$helpers'
Connect-TestGraph
(New-MgApplicationSynchronizationJob -ApplicationId '$AppId' -TemplateId 'confirm-yes' -Confirm).TemplateId
`$r = New-MgApplicationSynchronizationJob -ApplicationId '$AppId' -TemplateId 'confirm-no' -Confirm
"answer-no:[`$r]"
"@
        $file = Join-Path $CertStore 'confirm.ps1'
        [System.IO.File]::WriteAllText($file, $script)
        $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-TestPwsh))
        foreach ($a in '-NoProfile', '-File', $file) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $before = Get-EmulatorCounters
        $process = [System.Diagnostics.Process]::Start($psi)
        $process.StandardInput.Write("Y`nN`n")
        $process.StandardInput.Close()
        $errTask = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()  # stdout is at its end, so the child is exiting: no clock bound
        $process.HasExited | Should -BeTrue
        $errTask.Result | Should -BeNullOrEmpty
        $after = Get-EmulatorCounters
        $stdout | Should -Match 'Confirm'
        $stdout = $stdout -replace '\r?\n', ''  # the host wraps the prompt at the console width
        $stdout | Should -Match "Send this request\?\s*POST https://127\.0\.0\.1:\d+/v1\.0/applications/$AppId/synchronization/jobs\s*\{`"templateId`":`"confirm-yes`"\}"
        $stdout | Should -Match '\[Y\] Yes  \[A\] Yes to All  \[N\] No  \[L\] No to All'
        $stdout | Should -Match '\(default is "Y"\):Yconfirm-yes'
        $stdout | Should -Match '\{"templateId":"confirm-no"\}'
        $stdout | Should -Match 'answer-no:\[\]'
        ($after.jobs_created - $before.jobs_created) | Should -Be 1
        $created = Get-EmulatorRequests -Route 'jobs.create' | Select-Object -Last 1
        $created.body.templateId | Should -Be 'confirm-yes'
    }
}
